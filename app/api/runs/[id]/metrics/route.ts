import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { assertRunAccess } from "@/lib/membership/access";
import { getRunMetrics } from "@/lib/runs/queries";
import { metricsQuerySchema } from "@/lib/validation/run";

/** GET /api/runs/{id}/metrics?after=<metricId>: only the points stored after that id (poll with the last one). */
export const GET = route<{ id: string }>({ permission: "runs.read" }, async ({ req, params, user }) => {
  await assertRunAccess(db, user, params.id, "runs.read");
  const q = metricsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  return { metrics: await getRunMetrics(params.id, { afterId: q.after }) };
});
