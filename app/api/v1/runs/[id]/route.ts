// GET /api/v1/runs/{id}: one run with its config, progress and checkpoints.
import { getRunOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(getRunOp, "token");
