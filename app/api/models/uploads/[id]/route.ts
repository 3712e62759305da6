// POST /api/models/uploads/{id} {name}: validate and register the uploaded folder; DELETE: abandon it.
import { cancelUploadOp, finishUploadOp } from "@/lib/api/model-uploads";
import { serve } from "@/lib/http/handler";

export const POST = serve(finishUploadOp, "either");
export const DELETE = serve(cancelUploadOp, "either");
