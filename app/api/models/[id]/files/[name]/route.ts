// GET /api/models/{id}/files/{name}: streams one file of the checkpoint's folder (model.onnx once
// POST /api/models/{id}/onnx has made it: 409 before). The folder comes from the database, never
// from the request.
import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { downloadArtifactFile } from "@/lib/models/download";
import { id } from "@/lib/validation/id";

export const GET = route({ permission: "runs.read", params: z.object({ id, name: z.string() }) }, async ({ params, user }) =>
  downloadArtifactFile(db, user.id, params.id, params.name),
);
