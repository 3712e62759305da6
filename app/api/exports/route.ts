// GET /api/exports (newest first, ?projectId= to filter) and POST /api/exports: the same operations as /api/v1/exports.
import { createExportOp, listExportsOp } from "@/lib/api/exports";
import { serve } from "@/lib/http/handler";

export const GET = serve(listExportsOp, "either");

export const POST = serve(createExportOp, "either");
