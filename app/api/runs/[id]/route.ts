import { getRunOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const GET = serve(getRunOp, "session");
