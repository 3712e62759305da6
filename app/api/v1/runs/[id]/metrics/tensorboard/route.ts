// GET /api/v1/runs/{id}/metrics/tensorboard: the metrics as a TensorBoard event file (tokens with runs:read).
import { runMetricsTensorboardOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(runMetricsTensorboardOp, "token");
