// OpenAPI 3.1 description of /api/v1, served at GET /api/v1/openapi.json. tests/api/v1.test.ts checks
// that every route file under app/api/v1 is described here with the permission its handler asks for.
import { EXPORT_KINDS, EXPORT_LAYOUTS } from "@/lib/validation/export";

const error = { $ref: "#/components/responses/Error" };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));
const authErrors = errors(401, 403);
const uuidParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", format: "uuid" },
});
const json = (schema: object) => ({ content: { "application/json": { schema } } });

export const openapiSpec = {
  openapi: "3.1.0",
  info: {
    title: "RLHF Studio API",
    version: "1.0.0",
    description:
      "The API a pipeline uses: import prompts and answer sets, make, list and download exports, read agreement figures.\n\n" +
      "Authenticate with a personal API token (Account → API tokens) sent as `Authorization: Bearer rlhf_…`. " +
      "A token is shown once, is stored hashed, can be revoked, and carries scopes: a subset of its owner's role permissions. " +
      "A missing, unknown, expired or revoked token gets 401; a token whose scopes or owner's role lack the operation's " +
      "permission (`x-permission`) gets 403. Labelers cannot hold `datasets.export`.",
  },
  servers: [{ url: "/" }],
  security: [{ bearerAuth: [] }],
  tags: [{ name: "projects" }, { name: "imports" }, { name: "exports" }, { name: "quality" }],
  paths: {
    "/api/v1/projects": {
      get: {
        tags: ["projects"],
        operationId: "listProjects",
        summary: "List projects (id, slug, name) to import into",
        "x-permission": "prompts.import",
        responses: {
          "200": {
            description: "The projects, newest first",
            ...json({ type: "object", properties: { projects: { type: "array", items: { $ref: "#/components/schemas/ProjectRef" } } } }),
          },
          ...authErrors,
        },
      },
    },
    "/api/v1/projects/{id}/imports": {
      post: {
        tags: ["imports"],
        operationId: "importFile",
        summary: "Import prompts or answer sets into a project",
        description:
          "Send the file itself as the request body (at most 512 MiB, streamed). JSONL prompts: `{\"prompt\": \"…\"}` or " +
          "`{\"messages\": [...]}` per line; answer sets add the answers. Prompts already in the project are skipped.",
        "x-permission": "prompts.import",
        parameters: [
          uuidParam("id", "The project"),
          { name: "kind", in: "query", required: true, schema: { type: "string", enum: ["prompts", "answers"] } },
          { name: "format", in: "query", required: true, schema: { type: "string", enum: ["jsonl", "json", "csv"] } },
          { name: "fileName", in: "query", required: false, schema: { type: "string", maxLength: 255 } },
        ],
        requestBody: {
          required: true,
          content: {
            "application/x-ndjson": { schema: { type: "string" } },
            "text/csv": { schema: { type: "string" } },
            "application/octet-stream": { schema: { type: "string", format: "binary" } },
          },
        },
        responses: {
          "200": {
            description: "What the import did",
            ...json({ type: "object", properties: { import: { $ref: "#/components/schemas/ImportResult" } } }),
          },
          ...errors(400, 401, 403, 404, 413, 422),
        },
      },
    },
    "/api/v1/projects/{id}/agreement": {
      get: {
        tags: ["quality"],
        operationId: "projectAgreement",
        summary: "Pairwise inter-labeler agreement on a project's rankings",
        "x-permission": "quality.read",
        parameters: [uuidParam("id", "The project")],
        responses: {
          "200": {
            description: "Agreement overall and per labeler; rate is null with no overlapping rankings",
            ...json({ type: "object", properties: { agreement: { $ref: "#/components/schemas/Agreement" } } }),
          },
          ...errors(401, 403, 404),
        },
      },
    },
    "/api/v1/exports": {
      get: {
        tags: ["exports"],
        operationId: "listExports",
        summary: "List exports, newest first",
        "x-permission": "datasets.export",
        parameters: [
          { name: "projectId", in: "query", required: false, schema: { type: "string", format: "uuid" } },
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
        ],
        responses: {
          "200": {
            description: "The exports",
            ...json({ type: "object", properties: { exports: { type: "array", items: { $ref: "#/components/schemas/Export" } } } }),
          },
          ...errors(400, 401, 403),
        },
      },
      post: {
        tags: ["exports"],
        operationId: "createExport",
        summary: "Make an export (a consistent snapshot written as JSONL files and a dataset card)",
        "x-permission": "datasets.export",
        requestBody: { required: true, ...json({ $ref: "#/components/schemas/CreateExport" }) },
        responses: {
          "200": { description: "The export", ...json({ type: "object", properties: { export: { $ref: "#/components/schemas/Export" } } }) },
          ...errors(400, 401, 403, 413, 422),
        },
      },
    },
    "/api/v1/exports/{id}": {
      get: {
        tags: ["exports"],
        operationId: "getExport",
        summary: "One export and its files",
        "x-permission": "datasets.export",
        parameters: [uuidParam("id", "The export")],
        responses: {
          "200": { description: "The export", ...json({ type: "object", properties: { export: { $ref: "#/components/schemas/Export" } } }) },
          ...errors(401, 403, 404),
        },
      },
    },
    "/api/v1/exports/{id}/files/{name}": {
      get: {
        tags: ["exports"],
        operationId: "downloadExportFile",
        summary: "Download one file the export lists",
        "x-permission": "datasets.export",
        parameters: [
          uuidParam("id", "The export"),
          { name: "name", in: "path", required: true, description: "A name from the export's files, e.g. train.jsonl", schema: { type: "string" } },
        ],
        responses: {
          "200": {
            description: "The file, as an attachment",
            headers: { "x-content-sha256": { description: "sha256 of the file, hex", schema: { type: "string" } } },
            content: {
              "application/x-ndjson": { schema: { type: "string" } },
              "text/markdown": { schema: { type: "string" } },
            },
          },
          ...errors(401, 403, 404),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", description: "A personal API token, rlhf_…" },
    },
    responses: {
      Error: {
        description: "An error, with a one-sentence message",
        ...json({
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", enum: ["bad_request", "unauthorized", "forbidden", "not_found", "conflict", "too_large", "unprocessable", "throttled", "internal"] },
                message: { type: "string" },
                issues: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
              },
            },
          },
        }),
      },
    },
    schemas: {
      ProjectRef: {
        type: "object",
        properties: { id: { type: "string", format: "uuid" }, slug: { type: "string" }, name: { type: "string" }, createdAt: { type: "string", format: "date-time" } },
      },
      ImportResult: {
        type: "object",
        description: "Counts of what the import read and made",
        properties: {
          kind: { type: "string", enum: ["prompts", "answers"] },
          records: { type: "integer" },
          created: { type: "integer" },
          duplicates: { type: "integer" },
          tasks: { type: "integer" },
          gold: { type: "integer", description: "Of the tasks made, the gold ones (answer sets with gold_tiers)" },
        },
      },
      Agreement: {
        type: "object",
        properties: {
          projectId: { type: "string", format: "uuid" },
          rankings: { type: "integer" },
          tasks: { type: "integer" },
          rate: { type: ["number", "null"], minimum: 0, maximum: 1 },
          agreements: { type: "integer" },
          sharedPairs: { type: "integer" },
          labelerPairs: { type: "integer" },
          perLabeler: {
            type: "array",
            items: {
              type: "object",
              properties: {
                labelerId: { type: "string", format: "uuid" },
                rate: { type: ["number", "null"] },
                agreements: { type: "integer" },
                sharedPairs: { type: "integer" },
                overlappingTasks: { type: "integer" },
              },
            },
          },
        },
      },
      ExportFile: {
        type: "object",
        properties: { name: { type: "string" }, bytes: { type: "integer" }, sha256: { type: "string" } },
        additionalProperties: true,
      },
      Export: {
        type: "object",
        properties: {
          id: { type: "string", format: "uuid" },
          kind: { type: "string", enum: [...EXPORT_KINDS] },
          projectId: { type: ["string", "null"], format: "uuid" },
          projectName: { type: ["string", "null"] },
          filters: { type: "object" },
          rowCount: { type: "integer" },
          splitCounts: { type: "object", additionalProperties: { type: "object", properties: { rows: { type: "integer" }, prompts: { type: "integer" } } } },
          files: { type: "array", items: { $ref: "#/components/schemas/ExportFile" } },
          note: { type: "string" },
          createdById: { type: "string", format: "uuid" },
          createdByEmail: { type: "string" },
          createdAt: { type: "string", format: "date-time" },
        },
      },
      CreateExport: {
        type: "object",
        required: ["kind"],
        properties: {
          kind: { type: "string", enum: [...EXPORT_KINDS] },
          layout: { type: "string", enum: [...EXPORT_LAYOUTS], default: "standard" },
          projectId: { type: "string", format: "uuid", description: "Leave out to export every project" },
          from: { type: "string", format: "date-time" },
          to: { type: "string", format: "date-time" },
          labelers: {
            type: "object",
            properties: {
              include: { type: "array", items: { type: "string", format: "uuid" }, maxItems: 1000 },
              exclude: { type: "array", items: { type: "string", format: "uuid" }, maxItems: 1000 },
            },
          },
          minAgreement: { type: "number", minimum: 0, maximum: 1 },
          excludeFlags: { type: "array", items: { type: "string" }, maxItems: 50 },
          sourceModels: { type: "array", items: { type: "string" }, maxItems: 50 },
          includeTies: { type: "boolean", default: false },
          margin: { type: "boolean", default: false },
          validation: { type: "number", minimum: 0, maximum: 1, default: 0.1 },
          test: { type: "number", minimum: 0, maximum: 1, default: 0 },
          seed: { type: "string", maxLength: 100, default: "" },
          license: { type: "string", default: "other" },
          name: { type: "string", maxLength: 200 },
          note: { type: "string", maxLength: 2000, default: "" },
        },
      },
    },
  },
} as const;
