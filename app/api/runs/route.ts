import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { projectsWhere } from "@/lib/membership/access";
import { createRun } from "@/lib/runs/create";
import { listRuns } from "@/lib/runs/queries";
import { listRunsQuerySchema, newRunSchema } from "@/lib/validation/run";

export const GET = route({ permission: "runs.read" }, async ({ req, user }) => {
  const q = listRunsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  return { runs: await listRuns({ ...q, projects: await projectsWhere(db, user, "runs.read") }) };
});

export const POST = route({ permission: "runs.create" }, async ({ req, user }) => {
  const run = await createRun(user, await readJson(req, newRunSchema));
  return Response.json({ run }, { status: 201 });
});
