// GET /api/models: every checkpoint with its lineage links and metrics.
import { listModelsOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const GET = serve(listModelsOp, "session");
