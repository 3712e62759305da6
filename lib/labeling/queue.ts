// The work queue. "Next task" hands a labeler the most useful open slot:
//   - a task with results still wanted (done < wanted) in an active project,
//   - never one this labeler already submitted or skipped,
//   - never more people at once than results still wanted (live leases count as taken),
//   - tasks already partly done first, so the overlap that agreement needs fills up, then oldest;
//   - one ranking hand-out in the project's goldEvery is a gold task instead (./gold-queue.ts).
// Concurrency: the candidate task row is locked with FOR UPDATE SKIP LOCKED, and its free slots are
// counted again under that lock (a new statement sees every committed lease), so two labelers never
// get the same slot. Submissions lock the same row before they count, so done never passes wanted.
// Membership: only tasks of projects the labeler is a member of (admins: every project).
// This is the labeling hot path, so it is plain SQL on the shared pool (the statements and why
// each is shaped so are in ./sql/): a few round trips per request instead of a dozen ORM queries.
import "server-only";
import type pg from "pg";
import type { SessionUser } from "../auth/authenticate";
import { can } from "../auth/permissions";
import { AppError } from "../errors";
import { maybeGold, type PickedTask } from "./gold-queue";
import { toPayload, type PayloadRow, type TaskPayload } from "./payload";
import { ASSIGNMENT, HELD, LOCK_TASK, RENEW, SKIP, TASK, type Held, type LockedTask } from "./sql/hold";
import { LEASE, LEASE_PICKED, PICK_ANY_PROJECT, PICK_IN_PROJECT, PICK_PLAN, RESUME, RESUME_PICKED, WINDOW } from "./sql/next-task";
import { inOneTrip, inTransaction, run, runOne, type SqlClient } from "./sql/transaction";
import type { TaskKind } from "./task-kinds";

/** `exclude`: tasks not to hand out, the labeler's own leases on them included (the task on screen, when the page prefetches the next). */
export type NextTaskOptions = { projectId?: string; kind?: TaskKind; exclude?: string[] };

const MAX_ATTEMPTS = 8;

type Picked = { id: string | null; resumed: boolean; more: boolean; goldDue: boolean } & PickedTask;

/**
 * The labeler's next task, or null when there is none. Usually one round trip: PICK, then LEASE or
 * RESUME of what it picked, in one transaction sent at once (sql/next-task.ts). The rest, a
 * statement at a time (nextTaskInSteps): the next window of open tasks, a gold hand-out, or a slot
 * that went to a lease committed just before our lock. `random` rolls for gold (tests).
 */
export async function nextTask(pool: pg.Pool, user: SessionUser, opts: NextTaskOptions = {}, random: () => number = Math.random): Promise<TaskPayload | null> {
  const roll = random();
  const [, picks, leased, resumed] = await inOneTrip(pool, [
    { statement: PICK_PLAN, values: [] },
    { statement: opts.projectId ? PICK_IN_PROJECT : PICK_ANY_PROJECT, values: pickValues(user, opts, [...(opts.exclude ?? [])], 0, roll) },
    { statement: LEASE_PICKED, values: [user.id] },
    { statement: RESUME_PICKED, values: [user.id] },
  ]);
  const got = picks[0] as Picked | undefined;
  const row = (leased[0] ?? resumed[0]) as PayloadRow | undefined;
  if (row) return toPayload(row);
  if (!got || (got.id === null && !got.more)) return null;
  if (got.id === null) return nextTaskInSteps(pool, user, opts, roll, [...(opts.exclude ?? [])], WINDOW);
  // A gold hand-out is due (its roll is kept: the steps make the same choice), or the slot went.
  return nextTaskInSteps(pool, user, opts, roll, [...(opts.exclude ?? []), ...(got.goldDue ? [] : [got.id])], 0);
}

const pickValues = (user: SessionUser, opts: NextTaskOptions, tried: string[], covered: number, roll: number) => [
  user.id,
  opts.projectId ?? null,
  opts.kind ?? null,
  tried,
  covered,
  can(user, "projects.all"),
  roll,
];

/** nextTask a statement at a time, from a given window (`covered` open tasks read before) and with tasks already tried. */
async function nextTaskInSteps(
  pool: pg.Pool,
  user: SessionUser,
  opts: NextTaskOptions,
  roll: number,
  tried: string[],
  covered: number,
): Promise<TaskPayload | null> {
  return inTransaction(pool, async (c) => {
    const pick = opts.projectId ? PICK_IN_PROJECT : PICK_ANY_PROJECT;
    await run(c, PICK_PLAN, []);
    for (let attempt = 0; attempt < MAX_ATTEMPTS;) {
      const [got] = await run<Picked>(c, pick, pickValues(user, opts, tried, covered, roll));
      if (!got) return null;
      if (got.id === null) {
        if (!got.more) return null;
        covered += WINDOW; // open tasks that earlier windows held, none of them for this labeler now
        continue;
      }
      if (!got.resumed) {
        const gold = await maybeGold(c, user, got, () => roll);
        if (gold) return gold;
      }
      const [row] = await run<PayloadRow>(c, got.resumed ? RESUME : LEASE, [got.id, user.id]);
      if (row) return toPayload(row);
      tried.push(got.id); // its last slot went to a lease committed just before our lock
      attempt++;
    }
    return null;
  });
}

/** Locks a task row for the rest of the transaction. A task of a project the user is not a member of is not found. */
async function lockTask(c: SqlClient, taskId: string, user: SessionUser): Promise<LockedTask> {
  return visible(await run<LockedTask>(c, LOCK_TASK, [taskId, user.id]), user);
}

/** LOCK_TASK's row without the lock (sql/hold.ts TASK), found or not as lockTask finds it. */
export async function readTask(pool: pg.Pool, taskId: string, user: SessionUser): Promise<LockedTask> {
  return visible(await run<LockedTask>(pool, TASK, [taskId, user.id]), user);
}

function visible([task]: LockedTask[], user: SessionUser): LockedTask {
  if (!task || (!task.member && !can(user, "projects.all"))) throw new AppError("not_found", "That task was not found.");
  return task;
}

/** The labeler's assignment on a locked task, unchecked: undefined when they have none. */
async function assignmentOn(c: SqlClient, taskId: string, user: SessionUser): Promise<Held | undefined> {
  const [a] = await run<Held>(c, HELD, [taskId, user.id]);
  return a;
}

/**
 * Checks the labeler's assignment on a locked task for a submission: it must be theirs and live.
 * A lease that ran out still counts while nobody else has taken its slot, so a labeler who stepped
 * away loses nothing; once the slot is gone the answer is 409.
 */
export function checkHeld(a: Held | undefined): Held {
  if (!a) throw new AppError("forbidden", "This task is not assigned to you: take it from the queue first.");
  if (a.status === "submitted") throw new AppError("conflict", "You already submitted this task.");
  if (a.status === "skipped") throw new AppError("lease_lost", "You skipped this task, so it went back to the pool.");
  if (!a.live && a.free <= 0) throw new AppError("lease_lost", "Your lease on this task expired and another labeler took it.");
  return a;
}

async function heldAssignment(c: SqlClient, taskId: string, user: SessionUser): Promise<Held> {
  return checkHeld(await assignmentOn(c, taskId, user));
}

export async function renewLease(pool: pg.Pool, user: SessionUser, assignmentId: string): Promise<{ leaseExpiresAt: string }> {
  return inTransaction(pool, async (c) => {
    const [a] = await run<{ taskId: string; userId: string }>(c, ASSIGNMENT, [assignmentId]);
    if (!a) throw new AppError("not_found", "That assignment was not found.");
    if (a.userId !== user.id) throw new AppError("forbidden", "This assignment belongs to another labeler.");
    const task = await lockTask(c, a.taskId, user);
    const held = await heldAssignment(c, a.taskId, user);
    const renewed = await runOne<{ leasedUntil: Date }>(c, RENEW, [held.id, task.leaseMinutes]);
    return { leaseExpiresAt: renewed.leasedUntil.toISOString() };
  });
}

/**
 * Gives back a lease the labeler took but will not use (a prefetched next task when they leave the
 * page): the lease ends now, so the slot is free for others at once. Their own assignments only;
 * one that is no longer active (submitted, skipped) is left as it is. Idempotent.
 */
export async function releaseLease(pool: pg.Pool, user: SessionUser, assignmentId: string): Promise<{ released: boolean }> {
  // The task's row is locked before the assignment's, as every other write to a held task does
  // (ending the lease clears the task's full-until hint, a write to the task's row).
  const r = await pool.query(
    `WITH task AS (
       SELECT t.id FROM "Task" t JOIN "Assignment" a ON a."taskId" = t.id WHERE a.id = $1::uuid AND a."userId" = $2::uuid FOR UPDATE OF t
     )
     UPDATE "Assignment" SET "leasedUntil" = LEAST("leasedUntil", now()), "updatedAt" = now()
      WHERE id = $1::uuid AND "userId" = $2::uuid AND status = 'active' AND "leasedUntil" > now() AND EXISTS (SELECT 1 FROM task)`,
    [assignmentId, user.id],
  );
  if (r.rowCount === 0) {
    const [a] = (await pool.query<{ userId: string }>(`SELECT "userId" FROM "Assignment" WHERE id = $1::uuid`, [assignmentId])).rows;
    if (!a) throw new AppError("not_found", "That assignment was not found.");
    if (a.userId !== user.id) throw new AppError("forbidden", "This assignment belongs to another labeler.");
  }
  return { released: (r.rowCount ?? 0) > 0 };
}

export async function skipTask(pool: pg.Pool, user: SessionUser, input: { taskId: string; reason: string; report: boolean }): Promise<void> {
  await inTransaction(pool, async (c) => {
    await lockTask(c, input.taskId, user);
    const held = await heldAssignment(c, input.taskId, user);
    await run(c, SKIP, [held.id, input.reason, input.report]);
  });
}
