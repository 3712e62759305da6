// The OpenAPI document of /api/v1, generated from every /api/v1 route module's route() options
// (lib/api/openapi.ts). tests/api/openapi.test.ts fails when a route file under app/api/v1 is missing
// from V1_ROUTES.
import { openapiDocument, type RouteModule } from "@/lib/api/openapi";
import * as exportFile from "../exports/[id]/files/[name]/route";
import * as exportOne from "../exports/[id]/route";
import * as exports from "../exports/route";
import * as modelFile from "../models/[id]/files/[name]/route";
import * as modelOnnx from "../models/[id]/onnx/route";
import * as model from "../models/[id]/route";
import * as modelImport from "../models/import/route";
import * as models from "../models/route";
import * as modelUploadFile from "../models/uploads/[id]/files/[name]/route";
import * as modelUpload from "../models/uploads/[id]/route";
import * as modelUploads from "../models/uploads/route";
import * as agreement from "../projects/[id]/agreement/route";
import * as generator from "../projects/[id]/generator/route";
import * as imports from "../projects/[id]/imports/route";
import * as quality from "../projects/[id]/quality/route";
import * as projects from "../projects/route";
import * as runCancel from "../runs/[id]/cancel/route";
import * as runMetricsCsv from "../runs/[id]/metrics/csv/route";
import * as runMetrics from "../runs/[id]/metrics/route";
import * as runMetricsTensorboard from "../runs/[id]/metrics/tensorboard/route";
import * as runSamples from "../runs/[id]/samples/route";
import * as runResume from "../runs/[id]/resume/route";
import * as run from "../runs/[id]/route";
import * as runs from "../runs/route";

export const V1_ROUTES: Record<string, RouteModule> = {
  "/api/v1/projects": projects,
  "/api/v1/projects/[id]/imports": imports,
  "/api/v1/projects/[id]/agreement": agreement,
  "/api/v1/exports": exports,
  "/api/v1/exports/[id]": exportOne,
  "/api/v1/exports/[id]/files/[name]": exportFile,
  "/api/v1/projects/[id]/quality": quality,
  "/api/v1/projects/[id]/generator": generator,
  "/api/v1/runs": runs,
  "/api/v1/runs/[id]": run,
  "/api/v1/runs/[id]/metrics": runMetrics,
  "/api/v1/runs/[id]/metrics/csv": runMetricsCsv,
  "/api/v1/runs/[id]/metrics/tensorboard": runMetricsTensorboard,
  "/api/v1/runs/[id]/samples": runSamples,
  "/api/v1/runs/[id]/cancel": runCancel,
  "/api/v1/runs/[id]/resume": runResume,
  "/api/v1/models": models,
  "/api/v1/models/[id]": model,
  "/api/v1/models/[id]/files/[name]": modelFile,
  "/api/v1/models/[id]/onnx": modelOnnx,
  "/api/v1/models/import": modelImport,
  "/api/v1/models/uploads": modelUploads,
  "/api/v1/models/uploads/[id]": modelUpload,
  "/api/v1/models/uploads/[id]/files/[name]": modelUploadFile,
};

const DESCRIPTION =
  "The API a pipeline uses: import prompts and answer sets, make, list and download exports, read agreement figures and the quality report, " +
  "start, watch, cancel and resume training runs (metrics as JSON, CSV or a TensorBoard event file), list, download, import and promote checkpoints. See docs/api.md for a walk-through.\n\n" +
  "Authenticate with a personal API token (Account → API tokens) sent as `Authorization: Bearer rlhf_…`. " +
  "A token is shown once, is stored hashed, can be revoked, and carries scopes (`runs:write`, `models:read`, …), chosen when it is made; " +
  "its owner's role must hold each scope's permission. " +
  "A missing, unknown, expired or revoked token gets 401; a token whose owner's role lacks the operation's permission " +
  "(`x-permission`), or whose scopes lack its scope (`x-scope`), gets 403. A malformed id in a path is 404, like an unknown one.";

let doc: ReturnType<typeof openapiDocument> | undefined;
export const openapiSpec = () => (doc ??= openapiDocument(V1_ROUTES, { title: "RLHF Studio API", version: "1.0.0", description: DESCRIPTION }));
