// POST /api/models/{id}/onnx: make the checkpoint's model.onnx (a policy's language model, exported
// in a child process, never on this server's event loop). A write, so runs.create and the same-origin
// check; GET /api/models/{id}/files/model.onnx then serves it.
import { makeOnnxOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const POST = serve(makeOnnxOp, "session");
