// The import operation, one handler served by /api/projects/{id}/imports (session or token) and
// /api/v1/projects/{id}/imports (token): ?kind=prompts|answers&format=jsonl|json|csv, the file as the body.
import "server-only";
import { z } from "zod";
import { db } from "../db";
import { operation } from "../http/handler";
import { importUpload } from "../labeling/import-upload";
import { idParams } from "../validation/id";
import { importQuery } from "../validation/import";
import { importResult } from "./schemas";

export const importFileOp = operation(
  {
    permission: "prompts.import",
    scope: "imports:write",
    params: idParams,
    query: importQuery,
    body: "upload",
    doc: {
      operationId: "importFile",
      summary: "Import prompts or answer sets into a project",
      description:
        'Send the file itself as the request body (at most 512 MiB, streamed). JSONL prompts: `{"prompt": "…"}` or ' +
        '`{"messages": [...]}` per line; answer sets add the answers. Prompts already in the project are skipped.',
      tags: ["imports"],
      response: z.object({ import: importResult }),
      requestContent: {
        "application/x-ndjson": { schema: { type: "string" } },
        "text/csv": { schema: { type: "string" } },
        "application/octet-stream": { schema: { type: "string", format: "binary" } },
      },
      errors: [422],
    },
  },
  async ({ req, user, params, query }) => ({ import: await importUpload(db, user, params.id, query, req) }),
);
