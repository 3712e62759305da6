// POST /api/v1/projects/{id}/imports?kind=prompts|answers&format=jsonl|csv with the file as the body.
// Streamed, never buffered; the same import the app's own upload runs.
import { z } from "zod";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { route } from "@/lib/http/handler";
import { importFile } from "@/lib/labeling/import";
import { importQuery, MAX_IMPORT_BYTES } from "@/lib/validation/import";

export const POST = route<{ id: string }>({ permission: "prompts.import", auth: "token" }, async ({ req, user, params }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw notFound("The project");
  const query = importQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  if (!req.body) throw new AppError("bad_request", "Send the file as the request body.");
  if (Number(req.headers.get("content-length") ?? 0) > MAX_IMPORT_BYTES)
    throw new AppError("too_large", `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`);
  return { import: await importFile(db, user, { projectId: id.data, ...query, source: limitBytes(req.body, MAX_IMPORT_BYTES) }) };
});

async function* limitBytes(body: ReadableStream<Uint8Array>, max: number) {
  let seen = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    seen += chunk.byteLength;
    if (seen > max) throw new AppError("too_large", `The file is larger than ${max / 1024 / 1024} MiB.`);
    yield chunk;
  }
}
