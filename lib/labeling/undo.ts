// Undo: a labeler takes back their last submission within the project's undo window (Ctrl+Z in the
// task view). The result, its answers and comparisons are removed, the task's count goes down and the
// assignment is the labeler's live lease again, so the queue hands the same task straight back.
// After the window, edits go through the history (./edit.ts). Every undo is audited with what it
// removed. One path for every task kind: the kind's row of ./task-types.ts finds and removes the result.
import "server-only";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { TASK_KINDS, type TaskKind } from "./task-kinds";
import { TASK_TYPES, type KindShapes, type Shapes, type Undoable } from "./task-types";

/** Whose a result is and where it goes back to: the same for every kind. */
type Owned = Pick<Undoable<KindShapes>, "ownerId" | "createdAt" | "undoSeconds" | "taskId" | "assignmentId">;

/** The task row lock every change to a task's count takes (as submit does). */
const lockTask = (tx: Tx, taskId: string) => tx.$queryRaw`SELECT id FROM "Task" WHERE id = ${taskId}::uuid FOR UPDATE`;

async function checkUndoable(tx: Tx, user: SessionUser, w: Owned, what: string): Promise<string> {
  if (w.ownerId !== user.id) throw new AppError("not_found", `That ${what} was not found.`);
  if (w.undoSeconds <= 0) throw new AppError("conflict", "This project does not allow undo: edit your work from your history instead.");
  if (Date.now() > w.createdAt.getTime() + w.undoSeconds * 1000)
    throw new AppError("conflict", `The ${w.undoSeconds}-second undo window has passed: edit this ${what} from your history instead.`);
  if (!w.assignmentId) throw new AppError("conflict", `This ${what} has no assignment to return to.`);
  // Only the last submission: a later ranking or demonstration by the same labeler means this one is not.
  const [later] = await tx.$queryRaw<{ n: number }[]>`
    SELECT ((SELECT count(*) FROM "Ranking" WHERE "labelerId" = ${user.id}::uuid AND "createdAt" > ${w.createdAt})
          + (SELECT count(*) FROM "Demonstration" WHERE "authorId" = ${user.id}::uuid AND "createdAt" > ${w.createdAt}))::int AS n`;
  if ((later?.n ?? 0) > 0) throw new AppError("conflict", "Only your last submission can be undone: edit this one from your history instead.");
  await lockTask(tx, w.taskId);
  return w.assignmentId;
}

/** Gives the assignment back to its labeler as a live lease and lowers the task's count. */
async function reopen(tx: Tx, taskId: string, assignmentId: string, leaseMinutes: number) {
  await tx.$executeRaw`
    UPDATE "Assignment" SET status = 'active', "leasedUntil" = now() + make_interval(mins => ${leaseMinutes}::int), "updatedAt" = now()
     WHERE id = ${assignmentId}::uuid`;
  await tx.$executeRaw`UPDATE "Task" SET done = greatest(done - 1, 0) WHERE id = ${taskId}::uuid`;
}

export async function undoResult<K extends TaskKind>(db: Db, user: SessionUser, kind: K, id: string): Promise<Shapes[K]["undone"]> {
  const what = TASK_KINDS[kind].noun;
  return db.$transaction(async (tx) => {
    const w = await TASK_TYPES[kind].undoable(tx, id);
    if (!w) throw new AppError("not_found", `That ${what} was not found.`);
    const assignmentId = await checkUndoable(tx, user, w, what);
    await w.remove();
    await reopen(tx, w.taskId, assignmentId, w.leaseMinutes);
    await audit(tx, user.id, `${kind}.undo`, { type: kind, id }, w.audit);
    return w.result;
  });
}

export const undoRanking = (db: Db, user: SessionUser, id: string) => undoResult(db, user, "ranking", id);

export const undoDemonstration = (db: Db, user: SessionUser, id: string) => undoResult(db, user, "demonstration", id);
