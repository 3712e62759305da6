// PUT /api/projects/{id}/generator { artifactId | null }: promote a policy checkpoint as the
// project's answer generator (a reward model is refused), or clear it.
import { promoteOp } from "@/lib/api/models";
import { serve } from "@/lib/http/handler";

export const PUT = serve(promoteOp, "session");
