// The statements behind "next task" (../queue.ts). Two, in one transaction:
//   1. PICK locks the best open task row (FOR UPDATE SKIP LOCKED), or finds the labeler's own live
//      lease, which comes first so that reopening the queue resumes it. It reads the tasks it may
//      hand out a window at a time from a partial index in hand-out order, so it costs the same at
//      any queue size (sorting every open task instead took 33-40 ms per call at 50,000 of them);
//   2. LEASE counts the task's free slots again and, if one is left, upserts the assignment and
//      returns the task payload in the same statement (RESUME: the payload of the labeler's own lease).
// Why two: a statement sees the database as of its start, so PICK may miss a lease committed by a
// labeler who held the row lock a moment before. LEASE starts after the lock is ours, so it sees
// every committed lease: two labelers never get the same slot.
// Both usually go in one round trip (../sql/transaction.ts inOneTrip): PICK leaves the task it chose
// in a transaction-local setting (labeling.lease, or labeling.resume for the labeler's own lease),
// and LEASE_PICKED and RESUME_PICKED read it there, so nothing waits for this process in between.
import type { Statement } from "./transaction";

/** "Free slots": results still wanted minus live leases held by others ($user), for task row `t`. */
const FREE_SLOTS = (user: string, t = "t") => `${t}.wanted - ${t}.done - (SELECT count(*) ${OTHERS_LIVE_LEASES(user, t)})`;

/** FROM and WHERE of the live leases (`l`) on task row `t` held by others than `user`. */
const OTHERS_LIVE_LEASES = (user: string, t: string) => `FROM "Assignment" l
       WHERE l."taskId" = ${t}.id AND l.status = 'active' AND l."leasedUntil" > now() AND l."userId" <> ${user}`;

/** Tasks one PICK looks at; when another labeler is picking every one of them, the next window is read. */
export const WINDOW = 64;

type Scope = "project" | "any";

/** Task row `t` is in the queue's scope: project $2, or any project ($2 is null). */
const inScope = (scope: Scope, t: string) => (scope === "project" ? `${t}."projectId" = $2::uuid` : `$2::uuid IS NULL`);

/** Project `p` is one the labeler ($1) works in: a member, or every project when $6 ("projects.all") is true. */
const member = (p: string) => `($6::boolean OR EXISTS (SELECT 1 FROM "ProjectMember" m WHERE m."projectId" = ${p} AND m."userId" = $1::uuid))`;

const pick = (scope: Scope): Statement => ({
  // Prepared, with its plan pinned by PICK_PLAN (below): planned per call it took 2.2 ms at the
  // median, prepared 0.44-0.6 ms (8,000 tasks, 200 held), and left to the statistics its plan flips
  // to reading every open task (38 ms instead of 1.3 at 50,000 open tasks, measured).
  name: `labeling_pick_${scope}`,
  text: `
  WITH own AS (
    -- The labeler's own live lease in a matching, active project: the oldest one.
    SELECT a."taskId" AS id
      FROM "Assignment" a
      JOIN "Task" t ON t.id = a."taskId"
      JOIN "Project" p ON p.id = t."projectId"
     WHERE a."userId" = $1::uuid AND a.status = 'active' AND a."leasedUntil" > now()
       AND a."taskId" <> ALL($4::uuid[]) -- a task on screen is not the next one (prefetch)
       AND NOT p.archived AND ${member("p.id")}
       AND ${inScope(scope, "t")}
       AND ($3::text IS NULL OR t.kind::text = $3::text)
     ORDER BY a."createdAt"
     LIMIT 1
  ), open AS MATERIALIZED (
    -- The next WINDOW tasks this labeler can take, in hand-out order (partly done first, then
    -- oldest): open, never submitted or skipped by this labeler, with a free slot (live leases of
    -- others count as taken). Read from the partial index of open tasks (Task_queue_order_idx) in
    -- its order and stopped there: a PICK costs the open tasks it passes over (held by others, or
    -- done by this labeler), whatever the size of the queue. (Checking them here rather than on a
    -- window of open tasks, as before: with 200 labelers each holding a task at the head of the
    -- queue, every next-task read four windows, a round trip each.)
    SELECT o.id, o.done, o."createdAt"
      FROM "Task" o
     WHERE NOT EXISTS (SELECT 1 FROM own)
       AND ${inScope(scope, "o")}
       AND o."projectId" IN (SELECT p.id FROM "Project" p WHERE NOT p.archived AND ${member("p.id")})
       AND ($3::text IS NULL OR o.kind::text = $3::text)
       AND o.done < o.wanted
       AND o.id <> ALL($4::uuid[])
       -- Tasks whose every slot is leased say so (fullUntil, set by LEASE): passed over without
       -- counting their leases, which was most of a PICK's cost when every labeler holds a task at
       -- the head of the queue. The count below stays the rule; the hint only skips work.
       AND (o."fullUntil" IS NULL OR o."fullUntil" <= now())
       AND NOT EXISTS (SELECT 1 FROM "Assignment" a
                        WHERE a."taskId" = o.id AND a."userId" = $1::uuid AND a.status IN ('submitted', 'skipped'))
       AND ${FREE_SLOTS("$1::uuid", "o")} > 0
     ORDER BY o.done DESC, o."createdAt", o.id
     LIMIT ${WINDOW} OFFSET $5
  ), candidate AS (
    -- The first of them that no other labeler is picking right now (their rows are skipped, not
    -- waited for). Its free slots are counted again under the lock, by LEASE.
    SELECT t.id, t.kind::text AS kind, t."projectId"
      FROM open JOIN "Task" t ON t.id = open.id
     ORDER BY open.done DESC, open."createdAt", open.id
     LIMIT 1
       FOR UPDATE OF t SKIP LOCKED
  )
  SELECT id, true AS resumed, false AS more, NULL::text AS kind, NULL::uuid AS "projectId", 0 AS "goldEvery", false AS "goldDue",
         set_config('labeling.resume', id::text, true) AS remembered
    FROM own
  UNION ALL
  -- with what the gold mix needs (../gold-queue.ts), so that it costs no round trip of its own; a
  -- task whose hand-out is to be gold (the roll $7 under 1 / goldEvery) is not left to LEASE_PICKED
  SELECT c.id, false, false, c.kind, c."projectId", p."goldEvery", g.due,
         set_config('labeling.lease', CASE WHEN g.due THEN '' ELSE c.id::text END, true)
    FROM candidate c JOIN "Project" p ON p.id = c."projectId",
         LATERAL (SELECT c.kind = 'ranking' AND p."goldEvery" > 0 AND $7::float8 * p."goldEvery" < 1 AS due) g
  UNION ALL
  SELECT NULL, false, count(*) = ${WINDOW}, NULL, NULL, 0, false, NULL FROM open
   WHERE NOT EXISTS (SELECT 1 FROM candidate)
  HAVING count(*) > 0`,
});

/**
 * Sent before PICK in its transaction: the plan PICK is written for, whatever the statistics say.
 * PICK must read the open-task index in hand-out order and stop after a window, and reach every other
 * row through an index; the planner prefers reading every open task and sorting them (a bitmap scan)
 * when the statistics are missing or stale (the embedded database has no autovacuum, and a server may
 * run without one: on this project's CI machine it is off), and hash or merge joins and sequential
 * scans when a table is small, plans that a cached generic plan would keep once the table has grown.
 * With these off, the intended plan is the only cheap one, so it is also the one cached for the
 * connection (force_generic_plan: no planning per call). JIT off: the disabled paths' cost would
 * otherwise pass its threshold and compile the query (0.4 s). Local to the transaction.
 */
export const PICK_PLAN: Statement = {
  name: "labeling_pick_plan",
  text: `SELECT ${["enable_bitmapscan", "enable_seqscan", "enable_sort", "enable_hashjoin", "enable_mergejoin", "jit"].map((g) => `set_config('${g}', 'off', true)`).join(", ")},
         set_config('plan_cache_mode', 'force_generic_plan', true)`,
};

/**
 * $1 user, $2 project (PICK_ANY_PROJECT: null), $3 kind or null, $4 task ids already tried (their
 * slots went) or excluded by the caller (the task on the labeler's screen, when the page prefetches
 * the next one: neither a new task nor their own lease on it), $5 open tasks that earlier windows
 * covered, $6 whether the user works in every project ("projects.all"; otherwise only in projects
 * they are a member of), $7 the gold roll (uniform in [0, 1)). One row: { id, resumed: true } for the
 * labeler's own live lease (also left in labeling.resume); { id, resumed: false, kind, projectId,
 * goldEvery, goldDue } for a new task, its row locked (also left in labeling.lease unless its hand-out
 * is to be gold); { id: null, more } when other labelers are picking every task of this window (more:
 * the window was full, so read the next). No row: nothing to do. Two statements rather than "$2 IS NULL OR
 * projectId = $2", which no index can serve.
 */
export const PICK_IN_PROJECT = pick("project");
export const PICK_ANY_PROJECT = pick("any");

/** The task payload's columns, for an assignment `a` joined to its task `t`, project `p`, prompt `pr`. */
export const PAYLOAD = `
  SELECT a.id AS "assignmentId", t.id AS "taskId", t.kind::text AS kind, a."leasedUntil",
         p.id AS "projectId", p.name, p.guidelines, p."leaseMinutes",
         p."minDemonstrationChars", p."maxDemonstrationChars", p."answersPerTask", p."undoSeconds", p."labelSchema",
         pr.messages,
         -- The answers in display order (none for a demonstration task).
         COALESCE((SELECT json_agg(json_build_object('position', tc.position, 'text', co.text) ORDER BY tc.position)
                     FROM "TaskCompletion" tc JOIN "Completion" co ON co.id = tc."completionId"
                    WHERE tc."taskId" = t.id), '[]') AS answers`;

export const PAYLOAD_JOINS = `
    JOIN "Task" t ON t.id = a."taskId"
    JOIN "Project" p ON p.id = t."projectId"
    JOIN "Prompt" pr ON pr.id = t."promptId"`;

/** The lease of task `task` (its row locked by PICK) for user `user`: one payload row, or none when the slot went meanwhile. */
const lease = (task: string, user: string) => `
  WITH slot AS (
    -- Free slots counted again, under the row lock.
    SELECT t.id, p."leaseMinutes", ${FREE_SLOTS(user)} AS free
      FROM "Task" t JOIN "Project" p ON p.id = t."projectId"
     WHERE t.id = ${task}
  ), a AS (
    -- The lease: a new assignment, or this labeler's earlier one (expired) made active again.
    -- Never one they submitted or skipped: PICK's view may predate a submission that committed
    -- while it waited (it then sees the task as not yet done by this labeler); reviving that
    -- assignment would make their next submit fail. No row comes back, and next-task moves on.
    INSERT INTO "Assignment" ("taskId", "userId", status, "leasedUntil", "updatedAt")
    SELECT id, ${user}, 'active', now() + make_interval(mins => "leaseMinutes"), now() FROM slot WHERE free > 0
    ON CONFLICT ("taskId", "userId") DO UPDATE
       SET status = 'active', "leasedUntil" = EXCLUDED."leasedUntil", "updatedAt" = EXCLUDED."updatedAt"
     WHERE "Assignment".status NOT IN ('submitted', 'skipped')
    RETURNING id, "taskId", "leasedUntil"
  ), full_hint AS (
    -- This lease took the last free slot: none frees before the first live lease ends (PICK's hint;
    -- the migration task_full_until clears it when one frees sooner).
    UPDATE "Task" t
       SET "fullUntil" = LEAST(a."leasedUntil", (SELECT min(l."leasedUntil") ${OTHERS_LIVE_LEASES(user, "t")}))
      FROM slot, a
     WHERE t.id = slot.id AND slot.free = 1
  )
  ${PAYLOAD} FROM a ${PAYLOAD_JOINS}`;

/** The payload of user `user`'s own live lease on task `task`. */
const resume = (task: string, user: string) => `${PAYLOAD} FROM "Assignment" a ${PAYLOAD_JOINS} WHERE a."taskId" = ${task} AND a."userId" = ${user}`;

/** A task PICK left in a transaction-local setting (none: NULL, and the statement returns no row). */
const picked = (setting: string) => `NULLIF(current_setting('${setting}', true), '')::uuid`;

/** $1 task (its row locked by PICK), $2 user. One payload row, or none when the slot went meanwhile. */
export const LEASE: Statement = { name: "labeling_next_lease", text: lease("$1::uuid", "$2::uuid") };

/** $1 user: LEASE of the task PICK left in labeling.lease, in the same transaction (none there: no row). */
export const LEASE_PICKED: Statement = { name: "labeling_next_lease_picked", text: lease(picked("labeling.lease"), "$1::uuid") };

/** $1 task, $2 user: the payload of the labeler's own live lease on that task. */
export const RESUME: Statement = { name: "labeling_next_resume", text: resume("$1::uuid", "$2::uuid") };

/** $1 user: RESUME of the lease PICK left in labeling.resume, in the same transaction (none there: no row). */
export const RESUME_PICKED: Statement = { name: "labeling_next_resume_picked", text: resume(picked("labeling.resume"), "$1::uuid") };
