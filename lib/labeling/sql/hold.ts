// The statements every change to a held task starts with (submit, skip, renew; ../queue.ts):
// LOCK_TASK takes the task row lock, then HELD reads the labeler's assignment and the free slots
// in a later statement, so it sees every lease and submission committed before the lock was ours.
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

/** $1 task, $2 user. Locks its row for the rest of the transaction; returns it with its project's settings. */
export const LOCK_TASK: Statement = {
  name: "labeling_lock_task",
  text: `
  SELECT t.id, t.kind::text AS kind, t."projectId", t."promptId", t.wanted, t.done, t.gold IS NOT NULL AS gold,
         p."leaseMinutes", p."minDemonstrationChars", p."maxDemonstrationChars", p."labelSchema",
         ARRAY(SELECT tc."completionId"::text FROM "TaskCompletion" tc
                WHERE tc."taskId" = t.id ORDER BY tc.position) AS items,
         EXISTS (SELECT 1 FROM "ProjectMember" m WHERE m."projectId" = t."projectId" AND m."userId" = $2::uuid) AS member
    FROM "Task" t JOIN "Project" p ON p.id = t."projectId"
   WHERE t.id = $1::uuid
     FOR UPDATE OF t`,
};

export type Held = { id: string; status: "active" | "submitted" | "skipped" | "expired"; live: boolean; free: number };

/**
 * $1 task (locked), $2 user. The labeler's assignment: its status, whether the lease is live, and
 * the task's free slots not counting this labeler (results wanted - done - others' live leases).
 */
export const HELD: Statement = {
  name: "labeling_held",
  text: `
  SELECT a.id, a.status::text AS status, a."leasedUntil" > now() AS live,
         -- a gold task has a slot for every labeler
         CASE WHEN t.gold IS NOT NULL THEN 1 ELSE (t.wanted - t.done - (
            SELECT count(*) FROM "Assignment" o
             WHERE o."taskId" = t.id AND o.status = 'active' AND o."leasedUntil" > now() AND o."userId" <> $2::uuid
         ))::int END AS free
    FROM "Assignment" a JOIN "Task" t ON t.id = a."taskId"
   WHERE a."taskId" = $1::uuid AND a."userId" = $2::uuid`,
};

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
