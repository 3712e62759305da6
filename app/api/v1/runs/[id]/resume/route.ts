// POST /api/v1/runs/{id}/resume
import { resumeRunOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const POST = serve(resumeRunOp, "token");
