import { db } from "@/lib/db";
import { createExport } from "@/lib/exports/snapshot";
import { listExports } from "@/lib/exports/store";
import { readJson, route } from "@/lib/http/handler";
import { assertExportRequest, projectsWhere } from "@/lib/membership/access";
import { createExportInput } from "@/lib/validation/export";

export const GET = route({ permission: "datasets.export", auth: "either" }, async ({ user }) => ({
  exports: await listExports(db, { projects: await projectsWhere(db, user, "datasets.export") }),
}));

export const POST = route({ permission: "datasets.export", auth: "either" }, async ({ req, user }) => {
  const f = await readJson(req, createExportInput);
  await assertExportRequest(db, user, f.projectId);
  return { export: await createExport(db, user, f) };
});
