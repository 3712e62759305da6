// GET /api/v1/models/{id}: one checkpoint, its lineage and its files.
import { getModelOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const GET = serve(getModelOp, "token");
