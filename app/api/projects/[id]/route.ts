import { z } from "zod";
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { updateProject } from "@/lib/projects";
import { updateProjectInput } from "@/lib/validation/project";

export const PATCH = route<{ id: string }>({ permission: "projects.manage", auth: "either" }, async ({ req, user, params }) => ({
  project: await updateProject(db, user, z.uuid().parse(params.id), await readJson(req, updateProjectInput, 200_000)),
}));
