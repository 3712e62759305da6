// Labelers may correct their own submitted work until the project's edit lock time passes.
// A ranking edit replaces its tiers and comparisons, and the details of the answers it lists, in one
// transaction; the answers it does not list keep their Likert scores and flags.
import "server-only";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { AppError } from "../errors";
import { formatRanking } from "../ranking/notation";
import { expandPairs } from "../ranking/pairs";
import { checkAnswers, checkStrength, resolveTiers } from "../ranking/submission";
import type { StrengthId } from "../ranking/strength";
import type { Tiers } from "../ranking/tiers";
import type { AnswerMetaInput } from "../validation/ranking";
import { labelProblem, schemaOf } from "./label-schema";
import { checkLength } from "./submit";

function assertEditable(ownerId: string, user: SessionUser, createdAt: Date, lockHours: number) {
  if (ownerId !== user.id) throw new AppError("forbidden", "You can only edit your own work.");
  if (Date.now() > createdAt.getTime() + lockHours * 3_600_000)
    throw new AppError("conflict", `This work is locked: edits are allowed for ${lockHours} hours after submitting.`);
}

export async function editRanking(
  db: Db,
  user: SessionUser,
  id: string,
  input: { tiers: Tiers | string; answers?: AnswerMetaInput[]; strength?: StrengthId; rationale?: string },
) {
  return db.$transaction(async (tx) => {
    const r = await tx.ranking.findUnique({
      where: { id },
      include: { task: { include: { project: true, items: { orderBy: { position: "asc" } } } } },
    });
    if (!r) throw new AppError("not_found", "That ranking was not found.");
    assertEditable(r.labelerId, user, r.createdAt, r.task.project.editLockHours);
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
        labelerId: user.id,
        chosenId: items[p.chosen].completionId,
        rejectedId: items[p.rejected].completionId,
        tie: p.tie,
        margin: p.margin,
        strength,
      })),
    });
    const notation = formatRanking(tiers);
    const rationale = input.rationale === undefined ? undefined : input.rationale.trim() || null;
    await tx.ranking.update({ where: { id }, data: { tiers, notation, ...(rationale !== undefined ? { rationale } : {}) } });
    await audit(tx, user.id, "ranking.edit", { type: "ranking", id }, { taskId: r.taskId, before: r.notation, after: notation, answers: changed });
    return { id, notation };
  });
}

export async function editDemonstration(db: Db, user: SessionUser, id: string, text: string) {
  return db.$transaction(async (tx) => {
    const d = await tx.demonstration.findUnique({ where: { id }, include: { prompt: { include: { project: true } } } });
    if (!d) throw new AppError("not_found", "That demonstration was not found.");
    const p = d.prompt.project;
    assertEditable(d.authorId, user, d.createdAt, p.editLockHours);
    checkLength(text, p.minDemonstrationChars, p.maxDemonstrationChars);
    await tx.demonstration.update({ where: { id }, data: { text } });
    await audit(tx, user.id, "demonstration.edit", { type: "demonstration", id }, { charsBefore: [...d.text].length, charsAfter: [...text].length });
    return { id };
  });
}
