import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { importUpload } from "@/lib/labeling/import-upload";

// POST the file itself as the body: ?kind=prompts|answers&format=jsonl|json|csv. Streamed, never buffered.
export const POST = route<{ id: string }>({ permission: "prompts.import", auth: "either", body: "upload" }, async ({ req, user, params }) => ({
  import: await importUpload(db, user, z.uuid().parse(params.id), req),
}));
