// PUT /api/models/uploads/{id}/files/{name}: one file of the folder as the request body, streamed to disk.
import { route } from "@/lib/http/handler";
import { maxUploadBytes, tooLarge, uploadFile } from "@/lib/models/upload";

export const PUT = route<{ id: string; name: string }>({ permission: "models.import", auth: "either", body: "upload", maxBytes: maxUploadBytes, tooLarge }, async ({ req, user, params }) => {
  const declared = req.headers.get("content-length");
  return { file: await uploadFile(user.id, params.id, params.name, req.body, declared ? Number(declared) : undefined) };
});
