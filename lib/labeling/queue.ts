// The work queue. "Next task" hands a labeler the most useful open slot:
//   - a task with results still wanted (done < wanted) in an active project,
//   - never one this labeler already submitted or skipped,
//   - never more people at once than results still wanted (live leases count as taken),
//   - tasks already partly done first, so the overlap that agreement needs fills up, then oldest.
// Concurrency: the candidate task row is locked with FOR UPDATE SKIP LOCKED, and its free slots are
// counted again under that lock (a new statement sees every committed lease), so two labelers never
// get the same slot. Submissions lock the same row before they count, so done never passes wanted.
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { taskPayload, type TaskPayload } from "./payload";

export type TaskKindName = "demonstration" | "ranking";
export type NextTaskOptions = { projectId?: string; kind?: TaskKindName };

const MAX_ATTEMPTS = 8;

export async function nextTask(db: Db, user: SessionUser, opts: NextTaskOptions = {}): Promise<TaskPayload | null> {
  return db.$transaction(async (tx) => {
    const own = await tx.assignment.findFirst({
      where: {
        userId: user.id,
        status: "active",
        leasedUntil: { gt: new Date() },
        task: { projectId: opts.projectId, kind: opts.kind, project: { archived: false } },
      },
      orderBy: { createdAt: "asc" },
      select: { id: true },
    });
    if (own) return taskPayload(tx, own.id);

    const tried: string[] = [];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [candidate] = await tx.$queryRaw<{ id: string; leaseMinutes: number }[]>`
        SELECT t.id, p."leaseMinutes"
        FROM "Task" t JOIN "Project" p ON p.id = t."projectId"
        WHERE NOT p.archived
          AND (${opts.projectId ?? null}::uuid IS NULL OR t."projectId" = ${opts.projectId ?? null}::uuid)
          AND (${opts.kind ?? null}::text IS NULL OR t.kind::text = ${opts.kind ?? null}::text)
          AND t.done < t.wanted
          AND NOT (t.id = ANY(${tried}::uuid[]))
          AND NOT EXISTS (
            SELECT 1 FROM "Assignment" a
            WHERE a."taskId" = t.id AND a."userId" = ${user.id}::uuid AND a.status IN ('submitted', 'skipped'))
          AND t.wanted - t.done > (
            SELECT count(*) FROM "Assignment" a
            WHERE a."taskId" = t.id AND a.status = 'active' AND a."leasedUntil" > now() AND a."userId" <> ${user.id}::uuid)
        ORDER BY t.done DESC, t."createdAt", t.id
        LIMIT 1
        FOR UPDATE OF t SKIP LOCKED`;
      if (!candidate) return null;
      if ((await freeSlots(tx, candidate.id, user.id)) <= 0) {
        tried.push(candidate.id);
        continue;
      }
      const leasedUntil = new Date(Date.now() + candidate.leaseMinutes * 60_000);
      const a = await tx.assignment.upsert({
        where: { taskId_userId: { taskId: candidate.id, userId: user.id } },
        create: { taskId: candidate.id, userId: user.id, leasedUntil },
        update: { status: "active", leasedUntil },
        select: { id: true },
      });
      return taskPayload(tx, a.id);
    }
    return null;
  });
}

/** Results still wanted minus live leases held by others. Call with the task row locked. */
export async function freeSlots(tx: Tx, taskId: string, userId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ free: number }[]>`
    SELECT (t.wanted - t.done - (
      SELECT count(*) FROM "Assignment" a
      WHERE a."taskId" = t.id AND a.status = 'active' AND a."leasedUntil" > now() AND a."userId" <> ${userId}::uuid
    ))::int AS free
    FROM "Task" t WHERE t.id = ${taskId}::uuid`;
  return row?.free ?? 0;
}

/** Locks a task row for the rest of the transaction. */
export async function lockTask(tx: Tx, taskId: string) {
  const [task] = await tx.$queryRaw<
    { id: string; kind: TaskKindName; projectId: string; promptId: string; wanted: number; done: number }[]
  >`SELECT id, kind::text AS kind, "projectId", "promptId", wanted, done FROM "Task" WHERE id = ${taskId}::uuid FOR UPDATE`;
  if (!task) throw new AppError("not_found", "That task was not found.");
  return task;
}

/**
 * The labeler's assignment for a locked task, checked for a submission: it must be theirs and
 * live. A lease that ran out still counts while nobody else has taken its slot, so a labeler who
 * stepped away loses nothing; once the slot is gone the answer is 409.
 */
export async function heldAssignment(tx: Tx, taskId: string, user: SessionUser) {
  const a = await tx.assignment.findUnique({ where: { taskId_userId: { taskId, userId: user.id } } });
  if (!a) throw new AppError("forbidden", "This task is not assigned to you: take it from the queue first.");
  if (a.status === "submitted") throw new AppError("conflict", "You already submitted this task.");
  if (a.status === "skipped") throw new AppError("lease_lost", "You skipped this task, so it went back to the pool.");
  if (a.leasedUntil <= new Date() && (await freeSlots(tx, taskId, user.id)) <= 0)
    throw new AppError("lease_lost", "Your lease on this task expired and another labeler took it.");
  return a;
}

export async function renewLease(db: Db, user: SessionUser, assignmentId: string): Promise<{ leaseExpiresAt: string }> {
  return db.$transaction(async (tx) => {
    const a = await tx.assignment.findUnique({
      where: { id: assignmentId },
      include: { task: { select: { project: { select: { leaseMinutes: true } } } } },
    });
    if (!a) throw new AppError("not_found", "That assignment was not found.");
    if (a.userId !== user.id) throw new AppError("forbidden", "This assignment belongs to another labeler.");
    await lockTask(tx, a.taskId);
    await heldAssignment(tx, a.taskId, user);
    const leasedUntil = new Date(Date.now() + a.task.project.leaseMinutes * 60_000);
    await tx.assignment.update({ where: { id: a.id }, data: { leasedUntil, status: "active" } });
    return { leaseExpiresAt: leasedUntil.toISOString() };
  });
}

export async function skipTask(
  db: Db,
  user: SessionUser,
  input: { taskId: string; reason: string; report: boolean },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockTask(tx, input.taskId);
    const a = await heldAssignment(tx, input.taskId, user);
    await tx.assignment.update({
      where: { id: a.id },
      data: { status: "skipped", skipReason: input.reason, reported: input.report },
    });
  });
}
