// GET /api/runs/{id}/samples?step=<step>: the steps with sample generations, and the answers at one (default: the latest).
import { runSamplesOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(runSamplesOp, "session");
