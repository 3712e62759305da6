// POST the file itself as the body: ?kind=prompts|answers&format=jsonl|json|csv. Streamed, never
// buffered; the same operation as /api/v1/projects/{id}/imports.
import { importFileOp } from "@/lib/api/imports";
import { serve } from "@/lib/http/handler";

export const POST = serve(importFileOp, "either");
