import { cancelRunOp } from "@/lib/api/runs";
import { serve } from "@/lib/http/handler";

export const POST = serve(cancelRunOp, "session");
