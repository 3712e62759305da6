// GET /api/v1/projects: the projects a pipeline can import into (id, slug, name): the token owner's
// projects where their role may import (every project for admins). Read-only.
import { z } from "zod";
import { projectRef } from "@/lib/api/schemas";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { projectsWhere } from "@/lib/membership/access";
import { listProjectRefs } from "@/lib/projects";

export const GET = route(
  {
    permission: "prompts.import",
    auth: "token",
    scope: "projects:read",
    doc: {
      operationId: "listProjects",
      summary: "List projects (id, slug, name) to import into",
      tags: ["projects"],
      response: z.object({ projects: z.array(projectRef) }),
    },
  },
  async ({ user }) => ({ projects: await listProjectRefs(db, await projectsWhere(db, user, "prompts.import")) }),
);
