// Submitting work: one path for every task kind (its checks and its write are the kind's row of
// ./task-types.ts). Each submission is one transaction: the result, the assignment marked submitted
// and the task's count raised, or nothing at all. A client-generated id makes it idempotent: a double
// click or a retried request stores one result.
// Plain SQL on the shared pool, like the queue (./queue.ts; statements in ./sql/submit.ts).
import "server-only";
import type pg from "pg";
import type { SessionUser } from "../auth/authenticate";
import { db } from "../db";
import { AppError } from "../errors";
import { enforceGoldThreshold } from "../quality/gold";
import type { DemonstrationSubmission, RankingSubmission } from "../validation/ranking";
import { checkHeld, readTask } from "./queue";
import { LOCK_ROW, type Held } from "./sql/hold";
import { inOneTrip, isUniqueViolation, type SqlClient } from "./sql/transaction";
import { TASK_KINDS, type TaskKind } from "./task-kinds";
import { TASK_TYPES, type Shapes } from "./task-types";

type Submission<K extends TaskKind> = Shapes[K]["submission"];
type Result<K extends TaskKind> = Shapes[K]["result"];

/**
 * A submission id is an idempotency key for one labeler's submission on one task: a retry gets the
 * stored result; the same id from someone else, or on another task, is a 409 (returning the first
 * task's result would tell the client this task was saved when nothing was).
 */
async function priorResult<K extends TaskKind>(c: SqlClient | pg.Pool, kind: K, user: SessionUser, input: Submission<K>): Promise<Result<K> | null> {
  const prior = await TASK_TYPES[kind].prior(c, input.clientId);
  if (!prior) return null;
  if (prior.ownerId !== user.id) throw new AppError("conflict", "That submission id is already used.");
  if (prior.taskId !== input.taskId) throw new AppError("conflict", "That submission id was already used for another task: send a new one for this task.");
  return prior.result;
}

/** Stores a submission of a task of this kind and returns its result (the stored one, for a retry). */
export async function submitTask<K extends TaskKind>(pool: pg.Pool, user: SessionUser, kind: K, input: Submission<K>): Promise<Result<K>> {
  const type = TASK_TYPES[kind];
  // A gold result may leave its labeler out of exports (lib/quality/gold.ts); checked once it is stored.
  let goldProject: string | null = null;
  let result: Result<K>;
  try {
    // Two round trips: the task, read to check the submission against; then, in one transaction
    // sent at once, its row locked and the write, which checks the labeler's assignment and the
    // task's free results itself (sql/submit.ts) and stores the result only if they allow it.
    const task = await readTask(pool, input.taskId, user);
    if (task.kind !== kind) throw new AppError("bad_request", `This task is not a ${TASK_KINDS[kind].noun} task.`);
    const write = type.prepare(task, input, user);
    const [, rows] = await inOneTrip(pool, [
      { statement: LOCK_ROW, values: [task.id] },
      { statement: write.statement, values: write.values },
    ]);
    const written = rows[0] as (Held & { resultId: string | null }) | undefined;
    if (written?.resultId) {
      if (task.gold) goldProject = task.projectId;
      result = write.result(written.resultId);
    } else {
      // Nothing written. Already submitted: a retry, or a copy of this submission committed while we
      // waited for the lock. Otherwise the assignment says why, or the task has every result it wants.
      const prior = written?.status === "submitted" ? await priorResult(pool, kind, user, input) : null;
      if (!prior) {
        checkHeld(written);
        throw new AppError("lease_lost", type.full);
      }
      result = prior;
    }
  } catch (e) {
    // The submission id is taken (by a copy of this submission, or by someone else's): the same
    // labeler gets the stored result, anyone else a 409.
    if (isUniqueViolation(e, type.clientIdKey)) {
      const winner = await priorResult(pool, kind, user, input);
      if (winner) return winner;
    }
    throw e;
  }
  if (goldProject) await enforceGoldThreshold(db, goldProject, user.id);
  return result;
}

export const submitRanking = (pool: pg.Pool, user: SessionUser, input: RankingSubmission) => submitTask(pool, user, "ranking", input);

export const submitDemonstration = (pool: pg.Pool, user: SessionUser, input: DemonstrationSubmission) => submitTask(pool, user, "demonstration", input);
