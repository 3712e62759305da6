// The export operations, one handler each, served by both /api/exports (session or token) and
// /api/v1/exports (token): the same filters, the same errors.
import "server-only";
import { z } from "zod";
import { db } from "../db";
import { createExport } from "../exports/snapshot";
import { downloadExportFile, getExport, listExports } from "../exports/store";
import { operation } from "../http/handler";
import { assertExportAccess, assertExportRequest, projectsWhere } from "../membership/access";
import { createExportInput } from "../validation/export";
import { id } from "../validation/id";
import { exportView } from "./schemas";

const listExportsQuery = z.object({
  projectId: id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const exportParams = z.object({ id });
const exportFileParams = z.object({ id, name: z.string().min(1).max(255).meta({ description: "A name from the export's files, e.g. train.jsonl" }) });

/** Exports, newest first; ?projectId= to filter, ?limit= (default 100). */
export const listExportsOp = operation(
  {
    permission: "datasets.export",
    scope: "exports:read",
    query: listExportsQuery,
    doc: { operationId: "listExports", summary: "List exports, newest first", tags: ["exports"], response: z.object({ exports: z.array(exportView) }) },
  },
  async ({ query, user }) => ({
    exports: await listExports(db, { projectId: query.projectId, take: query.limit, projects: await projectsWhere(db, user, "datasets.export") }),
  }),
);

export const createExportOp = operation(
  {
    permission: "datasets.export",
    scope: "exports:write",
    body: createExportInput,
    doc: {
      operationId: "createExport",
      summary: "Make an export (a consistent snapshot written as JSONL files and a dataset card)",
      tags: ["exports"],
      response: z.object({ export: exportView }),
      errors: [422],
    },
  },
  async ({ user, body }) => {
    await assertExportRequest(db, user, body.projectId);
    return { export: await createExport(db, user, body) };
  },
);

export const getExportOp = operation(
  {
    permission: "datasets.export",
    scope: "exports:read",
    params: exportParams,
    doc: { operationId: "getExport", summary: "One export and its files", tags: ["exports"], response: z.object({ export: exportView }) },
  },
  async ({ params, user }) => {
    await assertExportAccess(db, user, params.id);
    return { export: await getExport(db, params.id) };
  },
);

/** Streams one file the export lists, with its sha256 in a header; the audit log says whether a token fetched it. */
export const downloadExportFileOp = operation(
  {
    permission: "datasets.export",
    scope: "exports:read",
    params: exportFileParams,
    doc: {
      operationId: "downloadExportFile",
      summary: "Download one file the export lists, as an attachment",
      tags: ["exports"],
      responseHeaders: { "x-content-sha256": { description: "sha256 of the file, hex", schema: { type: "string" } } },
      responseContent: { "application/x-ndjson": { schema: { type: "string" } }, "text/markdown": { schema: { type: "string" } } },
    },
  },
  async ({ params, user, via }) => {
    await assertExportAccess(db, user, params.id);
    return downloadExportFile(db, user.id, params.id, params.name, via === "token" ? { via: "api" } : {});
  },
);
