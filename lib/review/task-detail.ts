// Everything about one task, for the review and records pages: the prompt, the answers side by side,
// every label with who gave it (rankings in notation, A > B > C = D), reports, discards and the review.
import "server-only";
import type { Message } from "../imports/records";
import type { Db } from "../db";
import { projectAgreement } from "../quality/agreement";
import type { Tiers } from "../ranking/tiers";

export async function taskDetail(db: Db, taskId: string) {
  const t = await db.task.findUniqueOrThrow({
    where: { id: taskId },
    include: {
      project: { select: { id: true, name: true } },
      prompt: { select: { messages: true, createdAt: true } },
      items: { orderBy: { position: "asc" }, include: { completion: { select: { id: true, text: true, source: true, sourceName: true } } } },
      rankings: {
        orderBy: { createdAt: "asc" },
        include: {
          labeler: { select: { id: true, email: true } },
          answers: { select: { completionId: true, likert: true, flags: true } },
          discard: { include: { by: { select: { email: true } } } },
        },
      },
      demonstrations: {
        orderBy: { createdAt: "asc" },
        include: { author: { select: { id: true, email: true } }, discard: { include: { by: { select: { email: true } } } } },
      },
      assignments: { where: { OR: [{ reported: true }, { status: "skipped" }] }, include: { user: { select: { email: true } } } },
      review: { include: { reviewer: { select: { email: true } } } },
    },
  });
  const position = new Map(t.items.map((i) => [i.completionId, i.position]));
  const kept = t.rankings.filter((r) => !r.discard);
  const agreement = projectAgreement(kept.map((r) => ({ taskId: t.id, labelerId: r.labelerId, tiers: r.tiers as Tiers })));
  const discardView = (d: { reason: string; createdAt: Date; by: { email: string } } | null) =>
    d && { reason: d.reason, at: d.createdAt.toISOString(), by: d.by.email };
  return {
    id: t.id,
    kind: t.kind,
    gold: t.gold !== null,
    wanted: t.wanted,
    done: t.done,
    createdAt: t.createdAt.toISOString(),
    project: t.project,
    prompt: t.prompt.messages as Message[],
    answers: t.items.map((i) => ({ position: i.position, letter: String.fromCharCode(65 + i.position), ...i.completion })),
    rankings: t.rankings.map((r) => ({
      id: r.id,
      labeler: r.labeler.email,
      labelerId: r.labeler.id,
      notation: r.notation,
      tiers: r.tiers as Tiers,
      at: r.createdAt.toISOString(),
      timeSpentMs: r.timeSpentMs,
      answers: r.answers
        .map((a) => ({ position: position.get(a.completionId) ?? -1, likert: a.likert, flags: a.flags }))
        .sort((a, b) => a.position - b.position),
      discarded: discardView(r.discard),
    })),
    demonstrations: t.demonstrations.map((d) => ({
      id: d.id,
      author: d.author.email,
      text: d.text,
      at: d.createdAt.toISOString(),
      discarded: discardView(d.discard),
    })),
    reports: t.assignments.map((a) => ({ labeler: a.user.email, reported: a.reported, reason: a.skipReason ?? "", at: a.updatedAt.toISOString() })),
    agreement: { rate: agreement.rate, sharedPairs: agreement.sharedPairs },
    review: t.review && {
      decision: t.review.decision,
      notation: t.review.notation,
      reason: t.review.reason,
      reviewer: t.review.reviewer.email,
      at: t.review.updatedAt.toISOString(),
    },
  };
}
