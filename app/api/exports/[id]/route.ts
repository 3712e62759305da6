import { getExportOp } from "@/lib/api/exports";
import { serve } from "@/lib/http/handler";

export const GET = serve(getExportOp, "either");
