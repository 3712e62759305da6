// GET /api/v1/models: every checkpoint.
import { listModelsOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const GET = serve(listModelsOp, "token");
