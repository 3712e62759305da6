// The statements that mix gold tasks into the queue (../gold-queue.ts). A gold task has wanted = 0,
// so the open-task queue (./next-task.ts) never reads it; instead, when "next task" has picked a
// ranking task (PICK returns its kind, project and the project's goldEvery), one hand-out in the
// project's goldEvery is swapped for a gold task of the same project that this labeler never held.
// The payload is the same as any task's: nothing tells a gold task apart in the UI.
import { PAYLOAD, PAYLOAD_JOINS } from "./next-task";
import type { Statement } from "./transaction";

/** $1 user, $2 project: a gold task of the project this labeler never held, locked; none when none is left. */
export const GOLD_PICK: Statement = {
  name: "labeling_gold_pick",
  text: `
  SELECT t.id
    FROM "Task" t
   WHERE t."projectId" = $2::uuid AND t.gold IS NOT NULL AND t.kind = 'ranking'
     AND NOT EXISTS (SELECT 1 FROM "Assignment" a WHERE a."taskId" = t.id AND a."userId" = $1::uuid)
   ORDER BY random()
   LIMIT 1
     FOR UPDATE OF t SKIP LOCKED`,
};

/** $1 gold task (locked), $2 user: the lease and the payload. */
export const GOLD_LEASE: Statement = {
  name: "labeling_gold_lease",
  text: `
  WITH a AS (
    INSERT INTO "Assignment" ("taskId", "userId", status, "leasedUntil", "updatedAt")
    SELECT t.id, $2::uuid, 'active', now() + make_interval(mins => p."leaseMinutes"), now()
      FROM "Task" t JOIN "Project" p ON p.id = t."projectId"
     WHERE t.id = $1::uuid
    ON CONFLICT ("taskId", "userId") DO NOTHING
    RETURNING id, "taskId", "leasedUntil"
  )
  ${PAYLOAD} FROM a ${PAYLOAD_JOINS}`,
};
