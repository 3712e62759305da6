// GET /api/v1/runs/{id}/metrics?after=<metricId>: the run's metrics after that id.
import { runMetricsOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(runMetricsOp, "token");
