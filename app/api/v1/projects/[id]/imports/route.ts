// POST /api/v1/projects/{id}/imports?kind=prompts|answers&format=jsonl|json|csv with the file as the body.
// Streamed, never buffered; the same operation as the app's own upload (/api/projects/{id}/imports).
import { importFileOp } from "@/lib/api/imports";
import { serve } from "@/lib/http/handler";

export const POST = serve(importFileOp, "token");
