// POST /api/models/uploads/{id} {name}: validate and register the uploaded folder; DELETE: abandon it.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { cancelUpload, finishUpload } from "@/lib/models/upload";
import { idParams } from "@/lib/validation/id";
import { finishUploadSchema } from "@/lib/validation/model-import";

export const POST = route({ permission: "models.import", auth: "either", scope: "models:import", params: idParams, body: finishUploadSchema }, async ({ user, params, body }) => {
  const m = await finishUpload(db, user.id, params.id, body.name);
  return { model: { id: m.id, name: m.name, params: m.info.params, bytes: m.info.bytes } };
});

export const DELETE = route({ permission: "models.import", auth: "either", scope: "models:import", params: idParams }, async ({ user, params }) => {
  cancelUpload(user.id, params.id);
  return { ok: true };
});
