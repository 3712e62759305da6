import { route } from "@/lib/http/handler";
import { metricsTensorboardResponse } from "@/lib/runs/metrics-download";
import { idParams } from "@/lib/validation/id";

/** GET /api/runs/{id}/metrics/tensorboard: the metrics as a TensorBoard event file (a download). */
export const GET = route({ permission: "runs.read", auth: "either", scope: "runs:read", params: idParams }, async ({ params }) =>
  metricsTensorboardResponse(params.id),
);
