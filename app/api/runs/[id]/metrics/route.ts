import { route } from "@/lib/http/handler";
import { getRunMetrics } from "@/lib/runs/queries";
import { idParams } from "@/lib/validation/id";
import { metricsQuerySchema } from "@/lib/validation/run";

/** GET /api/runs/{id}/metrics?after=<metricId>: only the points stored after that id (poll with the last one). */
export const GET = route({ permission: "runs.read", params: idParams, query: metricsQuerySchema }, async ({ params, query }) => ({
  metrics: await getRunMetrics(params.id, { afterId: query.after }),
}));
