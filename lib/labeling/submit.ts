// Submitting work. Each submission is one transaction: the result, its comparisons, the
// assignment marked submitted and the task's count raised, or nothing at all. A client-generated
// id makes it idempotent: a double click or a retried request stores one result.
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import { formatRanking } from "../ranking/notation";
import { expandPairs } from "../ranking/pairs";
import { checkAnswers, resolveTiers } from "../ranking/submission";
import type { DemonstrationSubmission, RankingSubmission } from "../validation/ranking";
import { heldAssignment, lockTask } from "./queue";

export type RankingResult = { id: string; notation: string; comparisons: number; ties: number };

const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";

async function priorRanking(db: Db | Tx, user: SessionUser, clientId: string): Promise<RankingResult | null> {
  const prior = await db.ranking.findUnique({
    where: { clientId },
    select: { id: true, notation: true, labelerId: true, comparisons: { select: { tie: true } } },
  });
  if (!prior) return null;
  if (prior.labelerId !== user.id) throw new AppError("conflict", "That submission id is already used.");
  const ties = prior.comparisons.filter((c) => c.tie).length;
  return { id: prior.id, notation: prior.notation, comparisons: prior.comparisons.length - ties, ties };
}

export async function submitRanking(db: Db, user: SessionUser, input: RankingSubmission): Promise<RankingResult> {
  const prior = await priorRanking(db, user, input.clientId);
  if (prior) return prior;
  try {
    return await db.$transaction(async (tx) => {
      const task = await lockTask(tx, input.taskId);
      // A copy of this submission may have committed while we waited for the lock.
      const raced = await priorRanking(tx, user, input.clientId);
      if (raced) return raced;
      if (task.kind !== "ranking") throw new AppError("bad_request", "This task is not a ranking task.");
      const assignment = await heldAssignment(tx, task.id, user);
      const items = await tx.taskCompletion.findMany({ where: { taskId: task.id }, orderBy: { position: "asc" } });
      const tiers = resolveTiers(input.tiers, items.length);
      checkAnswers(input.answers, items.length);
      if (task.done >= task.wanted) throw new AppError("lease_lost", "This task already has all the rankings it needs.");

      const completionAt = (pos: number) => items[pos].completionId;
      const tierOf = new Map(tiers.flatMap((tier, t) => tier.map((pos) => [pos, t] as const)));
      const meta = new Map(input.answers.map((a) => [a.position, a]));
      const notation = formatRanking(tiers);
      const ranking = await tx.ranking.create({
        data: {
          taskId: task.id,
          assignmentId: assignment.id,
          labelerId: user.id,
          tiers,
          notation,
          timeSpentMs: input.timeSpentMs,
          clientId: input.clientId,
          answers: {
            create: items.map((item) => ({
              completionId: item.completionId,
              tier: tierOf.get(item.position)!,
              likert: meta.get(item.position)?.likert ?? null,
              flags: meta.get(item.position)?.flags ?? [],
            })),
          },
        },
        select: { id: true },
      });
      const pairs = expandPairs(tiers);
      await tx.comparison.createMany({
        data: pairs.map((p) => ({
          projectId: task.projectId,
          taskId: task.id,
          rankingId: ranking.id,
          labelerId: user.id,
          chosenId: completionAt(p.chosen),
          rejectedId: completionAt(p.rejected),
          tie: p.tie,
          margin: p.margin,
        })),
      });
      await tx.assignment.update({ where: { id: assignment.id }, data: { status: "submitted" } });
      await tx.task.update({ where: { id: task.id }, data: { done: { increment: 1 } } });
      const ties = pairs.filter((p) => p.tie).length;
      return { id: ranking.id, notation, comparisons: pairs.length - ties, ties };
    });
  } catch (e) {
    // Two copies of one submission raced: the loser returns the winner's result.
    if (isUniqueViolation(e)) {
      const winner = await priorRanking(db, user, input.clientId);
      if (winner) return winner;
    }
    throw e;
  }
}

export async function submitDemonstration(
  db: Db,
  user: SessionUser,
  input: DemonstrationSubmission,
): Promise<{ id: string }> {
  const prior = await db.demonstration.findUnique({ where: { clientId: input.clientId }, select: { id: true, authorId: true } });
  if (prior) {
    if (prior.authorId !== user.id) throw new AppError("conflict", "That submission id is already used.");
    return { id: prior.id };
  }
  try {
    return await db.$transaction(async (tx) => {
      const task = await lockTask(tx, input.taskId);
      const raced = await tx.demonstration.findUnique({ where: { clientId: input.clientId }, select: { id: true, authorId: true } });
      if (raced?.authorId === user.id) return { id: raced.id };
      if (task.kind !== "demonstration") throw new AppError("bad_request", "This task is not a demonstration task.");
      const assignment = await heldAssignment(tx, task.id, user);
      const project = await tx.project.findUniqueOrThrow({ where: { id: task.projectId } });
      checkLength(input.text, project.minDemonstrationChars, project.maxDemonstrationChars);
      if (task.done >= task.wanted) throw new AppError("lease_lost", "This prompt already has all the demonstrations it needs.");
      const demo = await tx.demonstration.create({
        data: {
          promptId: task.promptId,
          taskId: task.id,
          assignmentId: assignment.id,
          authorId: user.id,
          text: input.text,
          timeSpentMs: input.timeSpentMs,
          clientId: input.clientId,
        },
        select: { id: true },
      });
      await tx.assignment.update({ where: { id: assignment.id }, data: { status: "submitted" } });
      await tx.task.update({ where: { id: task.id }, data: { done: { increment: 1 } } });
      return demo;
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      const winner = await db.demonstration.findUnique({ where: { clientId: input.clientId }, select: { id: true, authorId: true } });
      if (winner?.authorId === user.id) return { id: winner.id };
    }
    throw e;
  }
}

export function checkLength(text: string, min: number, max: number) {
  const n = [...text].length;
  if (n > max) throw new AppError("too_large", `The demonstration is ${n} characters; this project allows at most ${max}.`);
  if (n < min) throw new AppError("bad_request", `The demonstration is ${n} characters; this project needs at least ${min}.`);
}
