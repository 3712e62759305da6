// GET /api/v1/exports (newest first, ?projectId= to filter) and POST /api/v1/exports (make one).
import { createExportOp, listExportsOp } from "@/lib/api/exports";
import { serve } from "@/lib/http/handler";

export const GET = serve(listExportsOp, "token");

export const POST = serve(createExportOp, "token");
