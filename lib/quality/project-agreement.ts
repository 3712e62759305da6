// One project's pairwise inter-labeler agreement as the API reports it (GET /api/v1/projects/{id}/agreement):
// the rankings loaded here, the figures from ./agreement.
import "server-only";
import type { Db } from "../db";
import { notFound } from "../errors";
import type { Tiers } from "../ranking/tiers";
import { isId } from "../validation/id";
import { projectAgreement } from "./agreement";

export async function projectAgreementSummary(db: Db, projectId: string) {
  const project = isId(projectId) ? await db.project.findUnique({ where: { id: projectId }, select: { id: true } }) : null;
  if (!project) throw notFound("The project");
  const rows = await db.ranking.findMany({
    where: { task: { projectId: project.id }, importedFrom: null }, // imported rankings are no labeler's work: never in agreement
    select: { taskId: true, labelerId: true, tiers: true },
  });
  const a = projectAgreement(rows.map((r) => ({ taskId: r.taskId, labelerId: r.labelerId, tiers: r.tiers as Tiers })));
  return {
    projectId: project.id,
    rankings: rows.length,
    tasks: new Set(rows.map((r) => r.taskId)).size,
    rate: a.rate,
    agreements: a.agreements,
    sharedPairs: a.sharedPairs,
    labelerPairs: a.labelerPairs,
    perLabeler: a.perLabeler,
  };
}
