// The statements every change to a held task starts with (submit, skip, renew; ../queue.ts):
// LOCK_TASK takes the task row lock, then HELD reads the labeler's assignment and the free slots
// in a later statement, so it sees every lease and submission committed before the lock was ours.
// A submission reads the task unlocked first (TASK), then sends LOCK_ROW and its write in one trip;
// the write reads HELD's query inside itself (./submit.ts), and it is such a later statement.
import type { TaskKind } from "../task-kinds";
import type { Statement } from "./transaction";

export type LockedTask = {
  id: string;
  kind: TaskKind;
  projectId: string;
  promptId: string;
  wanted: number;
  done: number;
  /** A gold task: every labeler may submit it once (wanted does not limit it). */
  gold: boolean;
  /** The project's stored label schema (null: the defaults). */
  labelSchema: unknown;
  leaseMinutes: number;
  minDemonstrationChars: number;
  maxDemonstrationChars: number;
  /** Completion ids in display order (position 0 is "A"); empty for a demonstration task. */
  items: string[];
  /** Whether the user ($2) is a member of the task's project. */
  member: boolean;
};

/** Task $1 with its project's settings, and whether user $2 is a member of the project. */
const TASK_ROW = `
  SELECT t.id, t.kind::text AS kind, t."projectId", t."promptId", t.wanted, t.done, t.gold IS NOT NULL AS gold,
         p."leaseMinutes", p."minDemonstrationChars", p."maxDemonstrationChars", p."labelSchema",
         ARRAY(SELECT tc."completionId"::text FROM "TaskCompletion" tc
                WHERE tc."taskId" = t.id ORDER BY tc.position) AS items,
         EXISTS (SELECT 1 FROM "ProjectMember" m WHERE m."projectId" = t."projectId" AND m."userId" = $2::uuid) AS member
    FROM "Task" t JOIN "Project" p ON p.id = t."projectId"
   WHERE t.id = $1::uuid`;

/** $1 task, $2 user. Locks its row for the rest of the transaction; returns it with its project's settings. */
export const LOCK_TASK: Statement = { name: "labeling_lock_task", text: `${TASK_ROW}\n     FOR UPDATE OF t` };

/**
 * $1 task, $2 user: LOCK_TASK's row without the lock, for a submission to check itself against before
 * its transaction (what it reads there does not change once the task exists, or changes under no
 * lock of the task's anyway: the project's settings, membership). wanted and done are read again,
 * under the lock, by the write (./submit.ts).
 */
export const TASK: Statement = { name: "labeling_task", text: TASK_ROW };

/** $1 task: its row locked for the rest of the transaction (a submission's write comes next, in the same trip). */
export const LOCK_ROW: Statement = { name: "labeling_lock_row", text: `SELECT id FROM "Task" WHERE id = $1::uuid FOR UPDATE` };

export type Held = { id: string; status: "active" | "submitted" | "skipped" | "expired"; live: boolean; free: number };

/**
 * $1 task (locked), $2 user. The labeler's assignment: its status, whether the lease is live, and
 * the task's free slots not counting this labeler (results wanted - done - others' live leases).
 */
export const HELD: Statement = { name: "labeling_held", text: heldQuery("$1::uuid", "$2::uuid") };

/** HELD's query for the given task and user parameters (a submission's write runs it inside itself: ./submit.ts). */
export function heldQuery(task: string, user: string): string {
  return `
  SELECT a.id, a.status::text AS status, a."leasedUntil" > now() AS live,
         -- a gold task has a slot for every labeler
         CASE WHEN t.gold IS NOT NULL THEN 1 ELSE (t.wanted - t.done - (
            SELECT count(*) FROM "Assignment" o
             WHERE o."taskId" = t.id AND o.status = 'active' AND o."leasedUntil" > now() AND o."userId" <> ${user}
         ))::int END AS free
    FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId"
   WHERE a."taskId" = ${task} AND a."userId" = ${user}`;
}

/** $1 assignment: whose it is and its task, to lock before renewing. */
export const ASSIGNMENT: Statement = {
  name: "labeling_assignment",
  text: `SELECT "taskId", "userId" FROM "Assignment" WHERE id = $1::uuid`,
};

/** $1 assignment, $2 lease minutes: the lease runs again from now. */
export const RENEW: Statement = {
  name: "labeling_renew",
  text: `
  UPDATE "Assignment"
     SET status = 'active', "leasedUntil" = now() + make_interval(mins => $2::int), "updatedAt" = now()
   WHERE id = $1::uuid
  RETURNING "leasedUntil"`,
};

/** $1 assignment, $2 reason, $3 reported: the slot goes back to the pool, the labeler never sees it again. */
export const SKIP: Statement = {
  name: "labeling_skip",
  text: `
  UPDATE "Assignment"
     SET status = 'skipped', "skipReason" = $2::text, reported = $3::boolean, "updatedAt" = now()
   WHERE id = $1::uuid`,
};
