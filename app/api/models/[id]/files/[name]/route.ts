// GET /api/models/{id}/files/{name}: streams one file of the checkpoint's folder (model.onnx once
// POST /api/models/{id}/onnx has made it: 409 before). The folder comes from the database, never
// from the request.
import { downloadModelFileOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const GET = serve(downloadModelFileOp, "session");
