// The label-quality report of one project (the admin quality page's figures), for tokens with quality:read.
import "server-only";
import { z } from "zod";
import { db } from "../db";
import { notFound } from "../errors";
import { operation } from "../http/handler";
import { qualityReport as loadQualityReport } from "../quality/report";
import { idParams } from "../validation/id";
import { qualityReport } from "./schemas";

export const qualityReportOp = operation(
  {
    permission: "quality.read",
    scope: "quality:read",
    params: idParams,
    query: z.object({ tasks: z.coerce.number().int().min(0).max(500).default(10).meta({ description: "How many least-agreed tasks to list" }) }),
    doc: {
      operationId: "qualityReport",
      summary: "A project's label-quality report: agreement (pairwise, Kendall tau-b, Krippendorff alpha), per-labeler figures, least-agreed tasks",
      tags: ["quality"],
      response: z.object({ report: qualityReport }),
    },
  },
  async ({ params, query }) => {
    if (!(await db.project.count({ where: { id: params.id } }))) throw notFound("The project");
    return { report: await loadQualityReport(db, params.id, query.tasks) };
  },
);
