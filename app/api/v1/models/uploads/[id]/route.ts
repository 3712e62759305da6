// POST /api/v1/models/uploads/{id} {name}: validate and register the uploaded folder; DELETE: abandon it.
import { cancelUploadOp, finishUploadOp } from "@/lib/api/model-uploads";
import { serve } from "@/lib/http/handler";

export const POST = serve(finishUploadOp, "token");
export const DELETE = serve(cancelUploadOp, "token");
