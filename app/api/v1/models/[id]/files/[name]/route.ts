// GET /api/v1/models/{id}/files/{name}: download one file of a checkpoint.
import { downloadModelFileOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const GET = serve(downloadModelFileOp, "token");
