// The OpenAPI document of /api/v1, generated from every /api/v1 route module's route() options
// (lib/api/openapi.ts). tests/api/openapi.test.ts fails when a route file under app/api/v1 is missing
// from V1_ROUTES.
import { openapiDocument, type RouteModule } from "@/lib/api/openapi";
import * as exportFile from "../exports/[id]/files/[name]/route";
import * as exportOne from "../exports/[id]/route";
import * as exports from "../exports/route";
import * as agreement from "../projects/[id]/agreement/route";
import * as imports from "../projects/[id]/imports/route";
import * as projects from "../projects/route";

export const V1_ROUTES: Record<string, RouteModule> = {
  "/api/v1/projects": projects,
  "/api/v1/projects/[id]/imports": imports,
  "/api/v1/projects/[id]/agreement": agreement,
  "/api/v1/exports": exports,
  "/api/v1/exports/[id]": exportOne,
  "/api/v1/exports/[id]/files/[name]": exportFile,
};

const DESCRIPTION =
  "The API a pipeline uses: import prompts and answer sets, make, list and download exports, read agreement figures.\n\n" +
  "Authenticate with a personal API token (Account → API tokens) sent as `Authorization: Bearer rlhf_…`. " +
  "A token is shown once, is stored hashed, can be revoked, and carries scopes: a subset of its owner's role permissions. " +
  "A missing, unknown, expired or revoked token gets 401; a token whose scopes or owner's role lack the operation's " +
  "permission (`x-permission`) gets 403. Labelers cannot hold `datasets.export`. A malformed id in a path is 404, like an unknown one.";

let doc: ReturnType<typeof openapiDocument> | undefined;
export const openapiSpec = () => (doc ??= openapiDocument(V1_ROUTES, { title: "RLHF Studio API", version: "1.0.0", description: DESCRIPTION }));

