import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { updateProject } from "@/lib/projects";
import { idParams } from "@/lib/validation/id";
import { updateProjectInput } from "@/lib/validation/project";

export const PATCH = route(
  { permission: "projects.manage", auth: "either", scope: "projects:write", params: idParams, body: updateProjectInput, maxBytes: 200_000 },
  async ({ user, params, body }) => ({
    project: await updateProject(db, user, params.id, body),
  }),
);
