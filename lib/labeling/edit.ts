// Labelers may correct their own submitted work until the project's edit lock time passes. One path
// for every task kind: the kind's row of ./task-types.ts finds the result and applies the change, in
// one transaction with its audit record.
import "server-only";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { AppError } from "../errors";
import { TASK_KINDS, type TaskKind } from "./task-kinds";
import { TASK_TYPES, type Shapes } from "./task-types";

export async function editResult<K extends TaskKind>(db: Db, user: SessionUser, kind: K, id: string, body: Shapes[K]["edit"]): Promise<Shapes[K]["edited"]> {
  return db.$transaction(async (tx) => {
    const found = await TASK_TYPES[kind].editable(tx, id);
    if (!found) throw new AppError("not_found", `That ${TASK_KINDS[kind].noun} was not found.`);
    if (found.ownerId !== user.id) throw new AppError("forbidden", "You can only edit your own work.");
    const lockHours = found.editLockHours;
    if (Date.now() > found.createdAt.getTime() + lockHours * 3_600_000)
      throw new AppError("conflict", `This work is locked: edits are allowed for ${lockHours} hours after submitting.`);
    const { result, audit: detail } = await found.apply(body);
    await audit(tx, user.id, `${kind}.edit`, { type: kind, id }, detail);
    return result;
  });
}

export const editRanking = (db: Db, user: SessionUser, id: string, body: Shapes["ranking"]["edit"]) => editResult(db, user, "ranking", id, body);

export const editDemonstration = (db: Db, user: SessionUser, id: string, text: string) => editResult(db, user, "demonstration", id, { text });
