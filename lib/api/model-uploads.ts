// The model-upload operations, one handler each, served by /api/models/uploads… (the app's upload
// dialog, session or token) and /api/v1/models/uploads… (tokens with models:import): start an upload,
// PUT each file of the folder as the request body (streamed to disk, never buffered), then finish
// (validated and registered) or abandon it. The logic is lib/models/upload.ts.
import "server-only";
import { z } from "zod";
import { db } from "../db";
import { operation } from "../http/handler";
import { cancelUpload, finishUpload, maxUploadBytes, startUpload, tooLarge, uploadFile } from "../models/upload";
import { id, idParams } from "../validation/id";
import { finishUploadSchema } from "../validation/model-import";
import { importedModel } from "./schemas";

const uploadTag = ["models"];

export const startUploadOp = operation(
  {
    permission: "models.import",
    scope: "models:import",
    body: "none",
    doc: {
      operationId: "startModelUpload",
      summary: "Start uploading a GPT-2 model folder (then PUT each file, then finish); unfinished uploads are removed after a day",
      tags: uploadTag,
      response: z.object({
        upload: z.object({ id, maxBytes: z.int().meta({ description: "The most bytes the whole folder may hold (MODEL_UPLOAD_MAX_BYTES)" }) }),
      }),
    },
  },
  async ({ user }) => ({ upload: startUpload(user.id) }),
);

export const uploadFileOp = operation(
  {
    permission: "models.import",
    scope: "models:import",
    body: "upload",
    maxBytes: maxUploadBytes,
    tooLarge,
    params: z.object({ id, name: z.string().meta({ description: "The file's name in the folder (config.json, model.safetensors, tokenizer files)" }) }),
    doc: {
      operationId: "uploadModelFile",
      summary: "Upload one file of the folder as the request body (streamed to disk; the whole folder within maxBytes)",
      tags: uploadTag,
      response: z.object({ file: z.object({ name: z.string(), bytes: z.int() }) }),
      requestContent: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
      errors: [422],
    },
  },
  async ({ req, user, params }) => {
    const declared = req.headers.get("content-length");
    return { file: await uploadFile(user.id, params.id, params.name, req.body, declared ? Number(declared) : undefined) };
  },
);

export const finishUploadOp = operation(
  {
    permission: "models.import",
    scope: "models:import",
    params: idParams,
    body: finishUploadSchema,
    doc: {
      operationId: "finishModelUpload",
      summary: "Finish an upload: the folder is validated and registered under this name, then removed whatever the outcome",
      tags: uploadTag,
      response: importedModel,
      errors: [422],
    },
  },
  async ({ user, params, body }) => {
    const m = await finishUpload(db, user.id, params.id, body.name);
    return { model: { id: m.id, name: m.name, params: m.info.params, bytes: m.info.bytes } };
  },
);

export const cancelUploadOp = operation(
  {
    permission: "models.import",
    scope: "models:import",
    params: idParams,
    doc: {
      operationId: "cancelModelUpload",
      summary: "Abandon an upload and remove what was sent",
      tags: uploadTag,
      response: z.object({ ok: z.literal(true) }),
    },
  },
  async ({ user, params }) => {
    cancelUpload(user.id, params.id);
    return { ok: true as const };
  },
);
