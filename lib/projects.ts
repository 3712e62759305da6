// Projects and their progress figures.
import "server-only";
import type { Db } from "./db";

export async function projectOverview(db: Db) {
  const projects = await db.project.findMany({ where: { archived: false }, orderBy: { createdAt: "asc" } });
  const counts = await db.$queryRaw<
    { projectId: string; prompts: bigint; demoTasks: bigint; demoDone: bigint; rankTasks: bigint; rankDone: bigint }[]
  >`
    SELECT p.id AS "projectId",
      (SELECT count(*) FROM "Prompt" WHERE "projectId" = p.id) AS prompts,
      (SELECT count(*) FROM "Task" WHERE "projectId" = p.id AND kind = 'demonstration') AS "demoTasks",
      (SELECT coalesce(sum(done), 0) FROM "Task" WHERE "projectId" = p.id AND kind = 'demonstration') AS "demoDone",
      (SELECT count(*) FROM "Task" WHERE "projectId" = p.id AND kind = 'ranking') AS "rankTasks",
      (SELECT coalesce(sum(done), 0) FROM "Task" WHERE "projectId" = p.id AND kind = 'ranking') AS "rankDone"
    FROM "Project" p WHERE NOT p.archived`;
  const byId = new Map(counts.map((c) => [c.projectId, c]));
  return projects.map((p) => {
    const c = byId.get(p.id);
    return {
      ...p,
      prompts: Number(c?.prompts ?? 0),
      demonstrationTasks: Number(c?.demoTasks ?? 0),
      demonstrationsDone: Number(c?.demoDone ?? 0),
      rankingTasks: Number(c?.rankTasks ?? 0),
      rankingsDone: Number(c?.rankDone ?? 0),
    };
  });
}
