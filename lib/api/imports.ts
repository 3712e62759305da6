// The import operation, one handler served by /api/projects/{id}/imports (session or token) and
// /api/v1/projects/{id}/imports (token): ?kind=prompts|answers&format=jsonl|json|csv, the file as the body.
import "server-only";
import { db } from "../db";
import { operation } from "../http/handler";
import { importUpload } from "../labeling/import-upload";
import { idParams } from "../validation/id";
import { importQuery } from "../validation/import";

export const importFileOp = operation(
  { permission: "prompts.import", params: idParams, query: importQuery, body: "upload" },
  async ({ req, user, params, query }) => ({ import: await importUpload(db, user, params.id, query, req) }),
);
