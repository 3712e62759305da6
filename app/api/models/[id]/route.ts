// GET /api/models/{id}: one checkpoint, its lineage chain (base → ... → it) and its files.
import { getModelOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const GET = serve(getModelOp, "session");
