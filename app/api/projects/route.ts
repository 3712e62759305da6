import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { createProject, projectOverview } from "@/lib/projects";
import { createProjectInput } from "@/lib/validation/project";

export const GET = route({ permission: "projects.manage", auth: "either" }, async () => ({ projects: await projectOverview(db) }));

export const POST = route({ permission: "projects.manage", auth: "either" }, async ({ req, user }) => ({
  project: await createProject(db, user, await readJson(req, createProjectInput)),
}));
