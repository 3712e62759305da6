// GET /api/v1/projects: the projects a pipeline can import into (id, slug, name). Read-only.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";

export const GET = route({ permission: "prompts.import", auth: "token" }, async () => ({
  projects: await db.project.findMany({ select: { id: true, slug: true, name: true, createdAt: true }, orderBy: { createdAt: "desc" } }),
}));
