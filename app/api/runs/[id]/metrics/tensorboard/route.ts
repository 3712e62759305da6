import { route } from "@/lib/http/handler";
import { metricsTensorboardResponse } from "@/lib/runs/metrics-download";

/** GET /api/runs/{id}/metrics/tensorboard: the metrics as a TensorBoard event file (a download). */
export const GET = route<{ id: string }>({ permission: "runs.read", auth: "either" }, async ({ params }) => metricsTensorboardResponse(params.id));
