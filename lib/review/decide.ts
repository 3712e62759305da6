// A reviewer's decisions on a task, each with a reason, each audited in the same transaction:
//   accept   the labels stand (the task leaves the review queue),
//   override the reviewer's ranking becomes the task's reviewed ranking (exports: "reviewed"),
//   discard  one label is marked discarded: kept, shown, and left out of every export.
// A decision on a task of a project the reviewer is not a member of writes nothing (./access.ts).
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import { formatRanking } from "../ranking/notation";
import { resolveTiers } from "../ranking/submission";
import { TASK_KINDS } from "../labeling/task-kinds";
import type { ReviewDecisionInput } from "../validation/review";
import { assertTaskReviewable } from "./access";

export async function decide(db: Db, user: SessionUser, taskId: string, input: ReviewDecisionInput) {
  return db.$transaction(async (tx) => {
    const task = await assertTaskReviewable(tx, user, taskId);
    await tx.$queryRaw`SELECT id FROM "Task" WHERE id = ${task.id}::uuid FOR UPDATE`;
    const target = { type: "task", id: task.id };
    if (input.decision === "discard") {
      const r = await tx.ranking.findUnique({ where: { id: input.rankingId }, select: { taskId: true, labelerId: true, discard: { select: { id: true } } } });
      if (!r || r.taskId !== task.id) throw new AppError("not_found", "That label is not one of this task's.");
      if (r.discard) throw new AppError("conflict", "That label is already discarded.");
      await tx.labelDiscard.create({ data: { taskId: task.id, rankingId: input.rankingId, byId: user.id, reason: input.reason } });
      await audit(tx, user.id, "review.discard", target, { rankingId: input.rankingId, labelerId: r.labelerId, reason: input.reason });
      return { decision: "discard" as const, rankingId: input.rankingId };
    }
    let tiers = null;
    let notation = null;
    if (input.decision === "override") {
      if (!TASK_KINDS[task.kind].overridable) throw new AppError("bad_request", "Only a ranking task can be overridden with a ranking.");
      const k = await tx.taskCompletion.count({ where: { taskId: task.id } });
      tiers = resolveTiers(input.tiers, k);
      notation = formatRanking(tiers);
    }
    const data = { decision: input.decision, tiers: tiers ?? undefined, notation, reviewerId: user.id, reason: input.reason };
    await tx.taskReview.upsert({
      where: { taskId: task.id },
      create: { taskId: task.id, ...data },
      update: { ...data, tiers: tiers ?? Prisma.DbNull },
    });
    await audit(tx, user.id, `review.${input.decision}`, target, { reason: input.reason, ...(notation ? { notation } : {}) });
    return { decision: input.decision, notation };
  });
}
