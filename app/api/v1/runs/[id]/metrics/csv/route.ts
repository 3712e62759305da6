// GET /api/v1/runs/{id}/metrics/csv: every metric point as CSV (tokens with runs:read).
import { runMetricsCsvOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(runMetricsCsvOp, "token");
