import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { createProject, projectOverview } from "@/lib/projects";
import { createProjectInput } from "@/lib/validation/project";

export const GET = route({ permission: "projects.manage", auth: "either", scope: "projects:read" }, async () => ({ projects: await projectOverview(db) }));

export const POST = route({ permission: "projects.manage", auth: "either", scope: "projects:write", body: createProjectInput }, async ({ user, body }) => ({
  project: await createProject(db, user, body),
}));
