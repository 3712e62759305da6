// Undo: a labeler takes back their last submission within the project's undo window (Ctrl+Z in the
// task view). The result, its answers and comparisons are removed, the task's count goes down and the
// assignment is the labeler's live lease again, so the queue hands the same task straight back.
// After the window, edits go through the history (./edit.ts). Every undo is audited with what it removed.
import "server-only";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";

export type UndoneRanking = {
  taskId: string;
  assignmentId: string;
  tiers: number[][];
  answers: { position: number; likert: number | null; flags: string[] }[];
  strength: string | null;
};

type Owned = { ownerId: string; createdAt: Date; undoSeconds: number; taskId: string; assignmentId: string | null };

/** The task row lock every change to a task's count takes (as submit does). */
const lockTask = (tx: Tx, taskId: string) => tx.$queryRaw`SELECT id FROM "Task" WHERE id = ${taskId}::uuid FOR UPDATE`;

async function checkUndoable(tx: Tx, user: SessionUser, w: Owned, what: string) {
  if (w.ownerId !== user.id) throw new AppError("not_found", `That ${what} was not found.`);
  if (w.undoSeconds <= 0) throw new AppError("conflict", "This project does not allow undo: edit your work from your history instead.");
  if (Date.now() > w.createdAt.getTime() + w.undoSeconds * 1000)
    throw new AppError("conflict", `The ${w.undoSeconds}-second undo window has passed: edit this ${what} from your history instead.`);
  if (!w.assignmentId) throw new AppError("conflict", `This ${what} has no assignment to return to.`);
  // Only the last submission: a later ranking or demonstration by the same labeler means this one is not.
  const [later] = await tx.$queryRaw<{ n: number }[]>`
    SELECT ((SELECT count(*) FROM "Ranking" WHERE "labelerId" = ${user.id}::uuid AND "createdAt" > ${w.createdAt})
          + (SELECT count(*) FROM "Demonstration" WHERE "authorId" = ${user.id}::uuid AND "createdAt" > ${w.createdAt}))::int AS n`;
  if (later.n > 0) throw new AppError("conflict", "Only your last submission can be undone: edit this one from your history instead.");
  await lockTask(tx, w.taskId);
}

/** Gives the assignment back to its labeler as a live lease and lowers the task's count. */
async function reopen(tx: Tx, taskId: string, assignmentId: string, leaseMinutes: number) {
  await tx.$executeRaw`
    UPDATE "Assignment" SET status = 'active', "leasedUntil" = now() + make_interval(mins => ${leaseMinutes}::int), "updatedAt" = now()
     WHERE id = ${assignmentId}::uuid`;
  await tx.$executeRaw`UPDATE "Task" SET done = greatest(done - 1, 0) WHERE id = ${taskId}::uuid`;
}

export async function undoRanking(db: Db, user: SessionUser, id: string): Promise<UndoneRanking> {
  return db.$transaction(async (tx) => {
    const r = await tx.ranking.findUnique({
      where: { id },
      include: {
        task: { include: { project: true, items: { orderBy: { position: "asc" } } } },
        answers: true,
        comparisons: { select: { strength: true }, take: 1 },
      },
    });
    if (!r) throw new AppError("not_found", "That ranking was not found.");
    const p = r.task.project;
    await checkUndoable(tx, user, { ownerId: r.labelerId, createdAt: r.createdAt, undoSeconds: p.undoSeconds, taskId: r.taskId, assignmentId: r.assignmentId }, "ranking");
    const position = new Map(r.task.items.map((i) => [i.completionId, i.position]));
    const answers = r.answers
      .map((a) => ({ position: position.get(a.completionId) ?? -1, likert: a.likert, flags: a.flags }))
      .sort((a, b) => a.position - b.position);
    const strength = r.comparisons[0]?.strength ?? null;
    // The ranking goes; its answers and comparisons go with it (ON DELETE CASCADE).
    await tx.ranking.delete({ where: { id } });
    await reopen(tx, r.taskId, r.assignmentId, p.leaseMinutes);
    await audit(tx, user.id, "ranking.undo", { type: "ranking", id }, { taskId: r.taskId, notation: r.notation, tiers: r.tiers, answers, strength });
    return { taskId: r.taskId, assignmentId: r.assignmentId, tiers: r.tiers as number[][], answers, strength };
  });
}

export async function undoDemonstration(db: Db, user: SessionUser, id: string): Promise<{ taskId: string; assignmentId: string; text: string }> {
  return db.$transaction(async (tx) => {
    const d = await tx.demonstration.findUnique({ where: { id }, include: { prompt: { include: { project: true } } } });
    if (!d) throw new AppError("not_found", "That demonstration was not found.");
    const p = d.prompt.project;
    if (!d.taskId) throw new AppError("conflict", "This demonstration has no task to return to.");
    await checkUndoable(tx, user, { ownerId: d.authorId, createdAt: d.createdAt, undoSeconds: p.undoSeconds, taskId: d.taskId, assignmentId: d.assignmentId }, "demonstration");
    await tx.demonstration.delete({ where: { id } });
    await reopen(tx, d.taskId, d.assignmentId!, p.leaseMinutes);
    await audit(tx, user.id, "demonstration.undo", { type: "demonstration", id }, { taskId: d.taskId, chars: [...d.text].length });
    return { taskId: d.taskId, assignmentId: d.assignmentId!, text: d.text };
  });
}
