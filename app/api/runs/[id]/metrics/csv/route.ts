// GET /api/runs/{id}/metrics/csv: every metric point as step,metric,value,time (a download; session or token).
import { runMetricsCsvOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(runMetricsCsvOp, "either");
