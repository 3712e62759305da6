// GET /api/v1/projects/{id}/agreement: pairwise inter-labeler agreement on the project's rankings,
// overall and per labeler (lib/quality/agreement).
import { z } from "zod";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/handler";
import { assertProjectPermission } from "@/lib/membership/access";
import { projectAgreement } from "@/lib/quality/agreement";
import type { Tiers } from "@/lib/ranking/tiers";

export const GET = route<{ id: string }>({ permission: "quality.read", auth: "token" }, async ({ params, user }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw notFound("The project");
  await assertProjectPermission(db, user, id.data, "quality.read");
  const project = await db.project.findUniqueOrThrow({ where: { id: id.data }, select: { id: true, slug: true } });
  const rows = await db.ranking.findMany({
    where: { task: { projectId: project.id } },
    select: { taskId: true, labelerId: true, tiers: true },
  });
  const a = projectAgreement(rows.map((r) => ({ taskId: r.taskId, labelerId: r.labelerId, tiers: r.tiers as Tiers })));
  return {
    agreement: {
      projectId: project.id,
      rankings: rows.length,
      tasks: new Set(rows.map((r) => r.taskId)).size,
      rate: a.rate,
      agreements: a.agreements,
      sharedPairs: a.sharedPairs,
      labelerPairs: a.labelerPairs,
      perLabeler: a.perLabeler,
    },
  };
});
