// POST /api/v1/models/{id}/onnx: make the checkpoint's model.onnx.
import { makeOnnxOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const POST = serve(makeOnnxOp, "token");
