// Changing a project's label schema. A change that would leave existing labels outside the schema
// (a flag in use dropped, a scored axis dropped, a range narrowed past a stored score) is refused
// with one sentence and nothing is written: keep the flag or axis (its label may change) or widen
// the range. Every change is audited.
import "server-only";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { AppError } from "../errors";
import { QUALITY_AXIS, type LabelSchema } from "./label-schema";

export async function updateLabelSchema(db: Db, actor: SessionUser, projectId: string, schema: LabelSchema) {
  return db.$transaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: projectId }, select: { id: true, labelSchema: true } });
    if (!project) throw new AppError("not_found", "That project was not found.");
    // Serialize with submissions' checks: the project row is locked for the rest of this transaction.
    await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${projectId}::uuid FOR UPDATE`;
    const flags = await tx.$queryRaw<{ flag: string; n: number }[]>`
      SELECT f AS flag, count(*)::int AS n
        FROM "RankingAnswer" ra JOIN "Ranking" r ON r.id = ra."rankingId" JOIN "Task" t ON t.id = r."taskId",
             unnest(ra.flags) AS f
       WHERE t."projectId" = ${projectId}::uuid
       GROUP BY f ORDER BY f`;
    const kept = new Set(schema.flags.map((f) => f.id));
    for (const f of flags)
      if (!kept.has(f.flag))
        throw new AppError(
          "conflict",
          `${f.n} ${f.n === 1 ? "label uses" : "labels use"} the flag "${f.flag}", which the new schema leaves out: keep it (its label may change).`,
        );
    const scores = await tx.$queryRaw<{ axis: string; lo: number; hi: number; n: number }[]>`
      SELECT axis, min(v)::int AS lo, max(v)::int AS hi, count(*)::int AS n FROM (
        SELECT ${QUALITY_AXIS}::text AS axis, ra.likert AS v
          FROM "RankingAnswer" ra JOIN "Ranking" r ON r.id = ra."rankingId" JOIN "Task" t ON t.id = r."taskId"
         WHERE t."projectId" = ${projectId}::uuid AND ra.likert IS NOT NULL
        UNION ALL
        SELECT e.key, e.value::int
          FROM "RankingAnswer" ra JOIN "Ranking" r ON r.id = ra."rankingId" JOIN "Task" t ON t.id = r."taskId",
               jsonb_each_text(ra.ratings) AS e
         WHERE t."projectId" = ${projectId}::uuid
      ) s GROUP BY axis ORDER BY axis`;
    const axes = new Map(schema.ratings.map((a) => [a.id, a]));
    for (const s of scores) {
      const a = axes.get(s.axis);
      if (!a)
        throw new AppError(
          "conflict",
          `${s.n} ${s.n === 1 ? "label scores" : "labels score"} "${s.axis}", which the new schema leaves out: keep that rating axis (its label may change).`,
        );
      if (s.lo < a.min || s.hi > a.max)
        throw new AppError(
          "conflict",
          `Existing labels score ${a.label} from ${s.lo} to ${s.hi}, outside the new range ${a.min} to ${a.max}: widen the range to hold them.`,
        );
    }
    await tx.project.update({ where: { id: projectId }, data: { labelSchema: schema } });
    await audit(tx, actor.id, "project.label_schema", { type: "project", id: projectId }, { before: project.labelSchema, after: schema });
    return schema;
  });
}
