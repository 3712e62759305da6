// Ranking tasks on the server (a row of ../task-types.ts): a ranking of K answers into tiers, stored
// with its answers' details and the C(K,2) comparisons it implies.
import "server-only";
import type { z } from "zod";
import { formatRanking } from "../../ranking/notation";
import { expandPairs } from "../../ranking/pairs";
import { checkAnswers, checkStrength, resolveTiers } from "../../ranking/submission";
import { AppError } from "../../errors";
import type { RankingSubmission, rankingEdit } from "../../validation/ranking";
import { labelProblem, schemaOf } from "../label-schema";
import { INSERT_RANKING, PRIOR_RANKING } from "../sql/submit";
import { run } from "../sql/transaction";
import type { TaskType } from "../task-types";

type RankingResult = { id: string; notation: string; comparisons: number; ties: number };

type UndoneRanking = {
  taskId: string;
  assignmentId: string;
  tiers: number[][];
  answers: { position: number; likert: number | null; flags: string[] }[];
  strength: string | null;
};

export type RankingKind = {
  submission: RankingSubmission;
  result: RankingResult;
  edit: z.input<typeof rankingEdit>;
  edited: { id: string; notation: string };
  undone: UndoneRanking;
};

type PriorRanking = { id: string; taskId: string; notation: string; labelerId: string; pairs: number; ties: number };

export const rankingType: TaskType<RankingKind> = {
  clientIdKey: "Ranking_clientId_key",
  full: "This task already has all the rankings it needs.",

  async prior(c, clientId) {
    const [p] = await run<PriorRanking>(c, PRIOR_RANKING, [clientId]);
    if (!p) return null;
    return { taskId: p.taskId, ownerId: p.labelerId, result: { id: p.id, notation: p.notation, comparisons: p.pairs - p.ties, ties: p.ties } };
  },

  prepare(task, input, user) {
    const tiers = resolveTiers(input.tiers, task.items.length);
    checkAnswers(input.answers, task.items.length);
    const strength = checkStrength(input.strength, tiers, task.items.length);
    const problem = labelProblem(schemaOf(task.labelSchema), input.answers, input.rationale);
    if (problem) throw new AppError("bad_request", problem);

    const completionAt = (pos: number) => task.items[pos];
    const tierOf = new Map(tiers.flatMap((tier, t) => tier.map((pos) => [pos, t] as const)));
    const meta = new Map(input.answers.map((a) => [a.position, a]));
    const notation = formatRanking(tiers);
    const answers = task.items.map((completionId, pos) => ({
      completionId,
      tier: tierOf.get(pos)!,
      likert: meta.get(pos)?.likert ?? null,
      flags: meta.get(pos)?.flags ?? [],
      ratings: meta.get(pos)?.ratings ?? {},
    }));
    const pairs = expandPairs(tiers);
    const comparisons = pairs.map((p) => ({
      chosenId: completionAt(p.chosen),
      rejectedId: completionAt(p.rejected),
      tie: p.tie,
      margin: p.margin,
      strength,
    }));
    const ties = pairs.filter((p) => p.tie).length;
    return {
      statement: INSERT_RANKING,
      values: [
        task.id,
        user.id,
        JSON.stringify(tiers),
        notation,
        input.timeSpentMs,
        input.clientId,
        task.projectId,
        JSON.stringify(answers),
        JSON.stringify(comparisons),
        input.rationale?.trim() || null,
      ],
      result: (id) => ({ id, notation, comparisons: pairs.length - ties, ties }),
    };
  },

  // An edit replaces the tiers and comparisons, and the details of the answers it lists; the answers
  // it does not list keep their Likert scores and flags.
  async editable(tx, id) {
    const r = await tx.ranking.findUnique({
      where: { id },
      include: { task: { include: { project: true, items: { orderBy: { position: "asc" } } } } },
    });
    if (!r) return null;
    const apply = async (input: RankingKind["edit"]) => {
      const items = r.task.items;
      const tiers = resolveTiers(input.tiers, items.length);
      const changed = input.answers ?? [];
      checkAnswers(changed, items.length);
      // The answers given are checked against the project's label schema, and the rationale when given.
      const schema = schemaOf(r.task.project.labelSchema);
      const problem = labelProblem(schema, changed, input.rationale ?? (schema.rationale === "off" ? undefined : (r.rationale ?? "-")));
      if (problem) throw new AppError("bad_request", problem);
      // A pairwise ranking keeps its strength unless the edit gives one (or makes it a tie).
      const kept = (await tx.comparison.findFirst({ where: { rankingId: id }, select: { strength: true } }))?.strength ?? undefined;
      const strength = checkStrength(input.strength, tiers, items.length) ?? (tiers.length === 2 && items.length === 2 ? (kept ?? null) : null);
      const tierOf = new Map(tiers.flatMap((tier, t) => tier.map((pos) => [pos, t] as const)));
      const before = new Map((await tx.rankingAnswer.findMany({ where: { rankingId: id } })).map((a) => [a.completionId, a]));
      const given = new Map(changed.map((a) => [a.position, a]));
      const detail = (position: number, completionId: string) => {
        const g = given.get(position);
        if (g) return { likert: g.likert ?? null, flags: g.flags ?? [], ratings: g.ratings ?? {} };
        const b = before.get(completionId);
        return { likert: b?.likert ?? null, flags: b?.flags ?? [], ratings: (b?.ratings ?? {}) as Record<string, number> };
      };
      await tx.rankingAnswer.deleteMany({ where: { rankingId: id } });
      await tx.comparison.deleteMany({ where: { rankingId: id } });
      await tx.rankingAnswer.createMany({
        data: items.map((item) => ({
          rankingId: id,
          completionId: item.completionId,
          tier: tierOf.get(item.position)!,
          ...detail(item.position, item.completionId),
        })),
      });
      await tx.comparison.createMany({
        data: expandPairs(tiers).map((p) => ({
          projectId: r.task.projectId,
          taskId: r.taskId,
          rankingId: id,
          labelerId: r.labelerId,
          // tiers cover exactly the task's positions 0..items.length-1
          chosenId: items[p.chosen]!.completionId,
          rejectedId: items[p.rejected]!.completionId,
          tie: p.tie,
          margin: p.margin,
          strength,
        })),
      });
      const notation = formatRanking(tiers);
      const rationale = input.rationale === undefined ? undefined : input.rationale.trim() || null;
      await tx.ranking.update({ where: { id }, data: { tiers, notation, ...(rationale !== undefined ? { rationale } : {}) } });
      return { result: { id, notation }, audit: { taskId: r.taskId, before: r.notation, after: notation, answers: changed } };
    };
    return { ownerId: r.labelerId, createdAt: r.createdAt, editLockHours: r.task.project.editLockHours, apply };
  },

  async undoable(tx, id) {
    const r = await tx.ranking.findUnique({
      where: { id },
      include: {
        task: { include: { project: true, items: { orderBy: { position: "asc" } } } },
        answers: true,
        comparisons: { select: { strength: true }, take: 1 },
      },
    });
    if (!r) return null;
    const position = new Map(r.task.items.map((i) => [i.completionId, i.position]));
    const answers = r.answers
      .map((a) => ({ position: position.get(a.completionId) ?? -1, likert: a.likert, flags: a.flags }))
      .sort((a, b) => a.position - b.position);
    const strength = r.comparisons[0]?.strength ?? null;
    return {
      ownerId: r.labelerId,
      createdAt: r.createdAt,
      taskId: r.taskId,
      assignmentId: r.assignmentId,
      undoSeconds: r.task.project.undoSeconds,
      leaseMinutes: r.task.project.leaseMinutes,
      // The ranking goes; its answers and comparisons go with it (ON DELETE CASCADE).
      remove: async () => void (await tx.ranking.delete({ where: { id } })),
      result: { taskId: r.taskId, assignmentId: r.assignmentId, tiers: r.tiers as number[][], answers, strength },
      audit: { taskId: r.taskId, notation: r.notation, tiers: r.tiers, answers, strength },
    };
  },
};
