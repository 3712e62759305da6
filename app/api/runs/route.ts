// GET /api/runs (newest first) and POST /api/runs: the same operations as /api/v1/runs.
import { createRunOp, listRunsOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(listRunsOp, "session");

export const POST = serve(createRunOp, "session");
