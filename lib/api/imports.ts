// The import operation, one handler served by /api/projects/{id}/imports (session or token) and
// /api/v1/projects/{id}/imports (token): ?kind=prompts|answers|preferences&format=jsonl|json|csv|parquet, the file as the body.
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
      summary: "Import prompts, answer sets or existing preference data into a project",
      description:
        'Send the file itself as the request body (at most 512 MiB, streamed). JSONL prompts: `{"prompt": "…"}` or ' +
        '`{"messages": [...]}` per line; answer sets add the answers. Prompts already in the project are skipped. ' +
        "`kind=preferences` brings a preference dataset in as rankings marked with their source (never counted in agreement): " +
        "TRL pairs (prompt, chosen, rejected, margin?), whole rankings (our export layout), Anthropic HH-RLHF transcripts or " +
        "UltraFeedback ratings (ties kept), as JSONL, JSON, CSV or Parquet (`format=parquet`); `layout` is read off the first record " +
        "(a Parquet file's columns) when left out. All or nothing: a bad record is one sentence naming the file and its line or row.",
      tags: ["imports"],
      response: z.object({ import: importResult }),
      requestContent: {
        "application/x-ndjson": { schema: { type: "string" } },
        "text/csv": { schema: { type: "string" } },
        "application/vnd.apache.parquet": { schema: { type: "string", format: "binary" } },
        "application/octet-stream": { schema: { type: "string", format: "binary" } },
      },
      errors: [422],
    },
  },
  async ({ req, user, params, query }) => ({ import: await importUpload(db, user, params.id, query, req) }),
);
