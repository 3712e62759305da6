// GET /api/v1/exports/{id}/files/{name}: streams one file the export lists, with its sha256 in a header.
import { downloadExportFileOp } from "@/lib/api/exports";
import { serve } from "@/lib/http/handler";

export const GET = serve(downloadExportFileOp, "token");
