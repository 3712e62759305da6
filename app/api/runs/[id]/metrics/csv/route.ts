import { route } from "@/lib/http/handler";
import { metricsCsvResponse } from "@/lib/runs/metrics-download";
import { idParams } from "@/lib/validation/id";

/** GET /api/runs/{id}/metrics/csv: every metric point as step,metric,value,time (a download). */
export const GET = route({ permission: "runs.read", auth: "either", scope: "runs:read", params: idParams }, async ({ params }) =>
  metricsCsvResponse(params.id),
);
