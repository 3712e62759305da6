// POST /api/models/uploads/{id} {name}: validate and register the uploaded folder; DELETE: abandon it.
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { cancelUpload, finishUpload } from "@/lib/models/upload";
import { finishUploadSchema } from "@/lib/validation/model-import";

export const POST = route<{ id: string }>({ permission: "models.import", auth: "either" }, async ({ req, user, params }) => {
  const { name } = await readJson(req, finishUploadSchema);
  const m = await finishUpload(db, user.id, params.id, name);
  return { model: { id: m.id, name: m.name, params: m.info.params, bytes: m.info.bytes } };
});

export const DELETE = route<{ id: string }>({ permission: "models.import", auth: "either" }, async ({ user, params }) => {
  cancelUpload(user.id, params.id);
  return { ok: true };
});
