import { route } from "@/lib/http/handler";
import { createRun } from "@/lib/runs/create";
import { listRuns } from "@/lib/runs/queries";
import { listRunsQuerySchema, newRunSchema } from "@/lib/validation/run";

export const GET = route({ permission: "runs.read", query: listRunsQuerySchema }, async ({ query }) => ({ runs: await listRuns(query) }));

export const POST = route({ permission: "runs.create", body: newRunSchema }, async ({ user, body }) => {
  const run = await createRun(user, body);
  return Response.json({ run }, { status: 201 });
});
