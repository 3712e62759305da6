// POST /api/models/{id}/onnx: make the checkpoint's model.onnx (a policy's language model, exported
// in a child process, never on this server's event loop). A write, so runs.create and the same-origin
// check; GET /api/models/{id}/files/model.onnx then serves it.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { makeOnnx } from "@/lib/models/download";
import { idParams } from "@/lib/validation/id";

export const POST = route({ permission: "runs.create", body: "none", params: idParams }, async ({ params, user }) => ({
  file: await makeOnnx(db, user.id, params.id),
}));
