import { route } from "@/lib/http/handler";
import { metricsCsvResponse } from "@/lib/runs/metrics-download";

/** GET /api/runs/{id}/metrics/csv: every metric point as step,metric,value,time (a download). */
export const GET = route<{ id: string }>({ permission: "runs.read", auth: "either" }, async ({ params }) => metricsCsvResponse(params.id));
