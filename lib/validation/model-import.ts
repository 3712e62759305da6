// What an import of a pretrained model folder may send: one schema for the routes and the form.
import { z } from "zod";

const modelName = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

/** POST /api/models/import: a folder under the server's import root. */
export const importPathSchema = z.strictObject({
  path: z.string().trim().min(1, "must name a folder").max(4096),
  name: modelName,
});

/** POST /api/models/uploads/{id}: finish an upload, registering it under this name. */
export const finishUploadSchema = z.strictObject({ name: modelName });
