// GET /api/v1/exports (newest first, ?projectId= to filter) and POST /api/v1/exports (make one).
import { z } from "zod";
import { db } from "@/lib/db";
import { createExport } from "@/lib/exports/snapshot";
import { listExports } from "@/lib/exports/store";
import { readJson, route } from "@/lib/http/handler";
import { assertExportRequest, projectsWhere } from "@/lib/membership/access";
import { createExportInput } from "@/lib/validation/export";

const listQuery = z.object({
  projectId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const GET = route({ permission: "datasets.export", auth: "token" }, async ({ req, user }) => {
  const q = listQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  return { exports: await listExports(db, { projectId: q.projectId, take: q.limit, projects: await projectsWhere(db, user, "datasets.export") }) };
});

export const POST = route({ permission: "datasets.export", auth: "token" }, async ({ req, user }) => {
  const f = await readJson(req, createExportInput);
  await assertExportRequest(db, user, f.projectId);
  return { export: await createExport(db, user, f) };
});
