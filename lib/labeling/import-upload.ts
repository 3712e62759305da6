// An import sent as a request body (?kind=&format=, the file itself as the body): the query is
// checked by the route, the size bounded while streaming, and the file handed to importFile, which copies it to a
// temporary file before any transaction (never held in memory).
import "server-only";
import type { SessionUser } from "../auth/authenticate";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { z } from "zod";
import { MAX_IMPORT_BYTES, type importQuery } from "../validation/import";
import { importFile } from "./import";

const tooLarge = () => new AppError("too_large", `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);

/** `query`: the request's ?kind=&format=&fileName=, already parsed with importQuery (the route's query schema). */
export async function importUpload(db: Db, user: SessionUser, projectId: string, query: z.output<typeof importQuery>, req: Request) {
  if (!req.body) throw new AppError("bad_request", "Send the file as the request body.");
  if (Number(req.headers.get("content-length") ?? 0) > MAX_IMPORT_BYTES) throw tooLarge();
  return importFile(db, user, { projectId, ...query, source: limitBytes(req.body, MAX_IMPORT_BYTES) });
}

async function* limitBytes(body: ReadableStream<Uint8Array>, max: number) {
  let seen = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    seen += chunk.byteLength;
    if (seen > max) throw tooLarge();
    yield chunk;
  }
}
