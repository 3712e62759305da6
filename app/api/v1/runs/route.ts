// GET /api/v1/runs (newest first, ?projectId=) and POST /api/v1/runs (queue one): the app's operations, for tokens.
import { createRunOp, listRunsOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(listRunsOp, "token");

export const POST = serve(createRunOp, "token");
