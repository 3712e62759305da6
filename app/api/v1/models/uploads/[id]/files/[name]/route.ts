// PUT /api/v1/models/uploads/{id}/files/{name}: one file of the folder as the request body, streamed to disk.
import { uploadFileOp } from "@/lib/api/model-uploads";
import { serve } from "@/lib/http/handler";

export const PUT = serve(uploadFileOp, "token");
