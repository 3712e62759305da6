// POST /api/models/import {path, name}: import a GPT-2 model folder that lies under the server's
// import folder (MODEL_IMPORT_DIR); validated before anything is registered.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { importFromServerPath } from "@/lib/models/import";
import { importPathSchema } from "@/lib/validation/model-import";

export const POST = route({ permission: "models.import", auth: "either", body: importPathSchema }, async ({ user, body }) => {
  const m = await importFromServerPath(db, user.id, body);
  return { model: { id: m.id, name: m.name, params: m.info.params, bytes: m.info.bytes } };
});
