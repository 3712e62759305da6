// GET /api/v1/projects/{id}/quality: the project's label-quality report.
import { qualityReportOp } from "@/lib/api/quality";
import { serve } from "@/lib/http/handler";

export const GET = serve(qualityReportOp, "token");
