// GET /api/runs/{id}/metrics?after=<metricId>: only the points stored after that id (poll with the last one).
import { runMetricsOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(runMetricsOp, "session");
