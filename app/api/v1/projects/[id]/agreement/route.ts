// GET /api/v1/projects/{id}/agreement: pairwise inter-labeler agreement on the project's rankings,
// overall and per labeler (lib/quality/project-agreement).
import { z } from "zod";
import { agreement } from "@/lib/api/schemas";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { projectAgreementSummary } from "@/lib/quality/project-agreement";
import { idParams } from "@/lib/validation/id";

export const GET = route(
  {
    permission: "quality.read",
    auth: "token",
    scope: "quality:read",
    params: idParams,
    doc: {
      operationId: "projectAgreement",
      summary: "Pairwise inter-labeler agreement on a project's rankings; rate is null with no overlapping rankings",
      tags: ["quality"],
      response: z.object({ agreement }),
    },
  },
  async ({ params }) => ({ agreement: await projectAgreementSummary(db, params.id) }),
);
