// GET /api/runs/{id}/metrics/tensorboard: the metrics as a TensorBoard event file (a download; session or token).
import { runMetricsTensorboardOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(runMetricsTensorboardOp, "either");
