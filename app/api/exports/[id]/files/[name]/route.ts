// Streams one file of an export as an attachment; only names the Export row lists are served.
import { downloadExportFileOp } from "@/lib/api/exports";
import { serve } from "@/lib/http/handler";

export const GET = serve(downloadExportFileOp, "either");
