// POST /api/v1/projects/{id}/imports?kind=prompts|answers&format=jsonl|json|csv with the file as the body.
// Streamed, never buffered; the same import the app's own upload runs.
import { z } from "zod";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/handler";
import { importUpload } from "@/lib/labeling/import-upload";

export const POST = route<{ id: string }>({ permission: "prompts.import", auth: "token", body: "upload" }, async ({ req, user, params }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw notFound("The project");
  return { import: await importUpload(db, user, id.data, req) };
});
