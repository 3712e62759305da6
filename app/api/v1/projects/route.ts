// GET /api/v1/projects: the projects a pipeline can import into (id, slug, name). Read-only.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { inProjects, projectsWhere } from "@/lib/membership/access";

export const GET = route({ permission: "prompts.import", auth: "token" }, async ({ user }) => {
  const ids = await projectsWhere(db, user, "prompts.import");
  return {
    projects: await db.project.findMany({
      where: { id: inProjects(ids) },
      select: { id: true, slug: true, name: true, createdAt: true },
      orderBy: { createdAt: "desc" },
    }),
  };
});
