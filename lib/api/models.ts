// The checkpoint (model) operations, one handler each, served by /api/models… and
// /api/projects/{id}/generator (the app) and their /api/v1 twins (tokens with models:read / models:write / models:import).
import "server-only";
import { z } from "zod";
import { db } from "../db";
import { operation } from "../http/handler";
import { listArtifacts } from "../models/artifacts";
import { artifactDetail } from "../models/detail";
import { downloadArtifactFile, makeOnnx } from "../models/download";
import { importFromServerPath } from "../models/import";
import { promoteGenerator, promoteInput } from "../models/promote";
import { id, idParams } from "../validation/id";
import { importPathSchema } from "../validation/model-import";
import { importedModel, modelDetail, modelFile, modelView } from "./schemas";

export const listModelsOp = operation(
  {
    permission: "runs.read",
    scope: "models:read",
    doc: {
      operationId: "listModels",
      summary: "Every checkpoint with its lineage links and metrics",
      tags: ["models"],
      response: z.object({ models: z.array(modelView) }),
    },
  },
  async () => ({ models: await listArtifacts(db) }),
);

export const getModelOp = operation(
  {
    permission: "runs.read",
    scope: "models:read",
    params: idParams,
    doc: { operationId: "getModel", summary: "One checkpoint, its lineage chain (base → … → it) and its files", tags: ["models"], response: modelDetail },
  },
  async ({ params }) => artifactDetail(db, params.id),
);

export const downloadModelFileOp = operation(
  {
    permission: "runs.read",
    scope: "models:read",
    params: z.object({ id, name: z.string().meta({ description: "A name from the checkpoint's files, e.g. model.safetensors or model.onnx" }) }),
    doc: {
      operationId: "downloadModelFile",
      summary: "Download one file of a checkpoint's folder (model.onnx once makeModelOnnx has made it: 409 before)",
      tags: ["models"],
      responseContent: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
      errors: [409],
    },
  },
  async ({ params, user }) => downloadArtifactFile(db, user.id, params.id, params.name),
);

export const makeOnnxOp = operation(
  {
    permission: "runs.create",
    scope: "models:write",
    body: "none",
    params: idParams,
    doc: {
      operationId: "makeModelOnnx",
      summary: "Make a policy checkpoint's model.onnx (exported in a child process), then download it as a file",
      tags: ["models"],
      response: z.object({ file: modelFile }),
      errors: [409, 422],
    },
  },
  async ({ params, user }) => ({ file: await makeOnnx(db, user.id, params.id) }),
);

export const promoteOp = operation(
  {
    permission: "runs.create",
    scope: "models:write",
    params: idParams,
    body: promoteInput,
    doc: {
      operationId: "promoteModel",
      summary: "Promote a policy checkpoint as the project's answer generator (a reward model is refused), or clear it with null",
      tags: ["models"],
      response: z.object({ project: z.looseObject({ id }) }),
      errors: [422],
    },
  },
  async ({ user, params, body }) => ({ project: await promoteGenerator(db, user, params.id, body) }),
);

export const importModelOp = operation(
  {
    permission: "models.import",
    scope: "models:import",
    body: importPathSchema,
    doc: {
      operationId: "importModel",
      summary: "Import a GPT-2 model folder that lies under the server's import folder (MODEL_IMPORT_DIR); validated before anything is registered",
      tags: ["models"],
      response: importedModel,
      errors: [422],
    },
  },
  async ({ user, body }) => {
    const m = await importFromServerPath(db, user.id, body);
    return { model: { id: m.id, name: m.name, params: m.info.params, bytes: m.info.bytes } };
  },
);
