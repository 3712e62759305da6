// GET /api/v1/projects: the projects a pipeline can import into (id, slug, name). Read-only.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { listProjectRefs } from "@/lib/projects";

export const GET = route({ permission: "prompts.import", auth: "token" }, async () => ({ projects: await listProjectRefs(db) }));
