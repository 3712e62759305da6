// PUT /api/models/uploads/{id}/files/{name}: one file of the folder as the request body, streamed to disk.
import { z } from "zod";
import { route } from "@/lib/http/handler";
import { maxUploadBytes, tooLarge, uploadFile } from "@/lib/models/upload";
import { id } from "@/lib/validation/id";

export const PUT = route(
  { permission: "models.import", auth: "either", scope: "models:import", body: "upload", maxBytes: maxUploadBytes, tooLarge, params: z.object({ id, name: z.string() }) },
  async ({ req, user, params }) => {
    const declared = req.headers.get("content-length");
    return { file: await uploadFile(user.id, params.id, params.name, req.body, declared ? Number(declared) : undefined) };
  },
);
