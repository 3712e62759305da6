// PUT /api/v1/projects/{id}/generator {artifactId | null}: promote a policy checkpoint as the project's answer generator.
import { promoteOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const PUT = serve(promoteOp, "token");
