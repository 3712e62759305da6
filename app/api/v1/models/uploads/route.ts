// POST /api/v1/models/uploads: start uploading a model folder (then PUT each file, then finish).
import { startUploadOp } from "@/lib/api/model-uploads";
import { serve } from "@/lib/http/handler";

export const POST = serve(startUploadOp, "token");
