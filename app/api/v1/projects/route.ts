// GET /api/v1/projects: the projects a pipeline can import into (id, slug, name). Read-only.
import { z } from "zod";
import { projectRef } from "@/lib/api/schemas";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { listProjectRefs } from "@/lib/projects";

export const GET = route(
  {
    permission: "prompts.import",
    auth: "token",
    scope: "projects:read",
    doc: { operationId: "listProjects", summary: "List projects (id, slug, name) to import into", tags: ["projects"], response: z.object({ projects: z.array(projectRef) }) },
  },
  async () => ({ projects: await listProjectRefs(db) }),
);
