// GET /api/v1/exports/{id}/files/{name}: streams one file the export lists, with its sha256 in a header.
import { db } from "@/lib/db";
import { downloadExportFile } from "@/lib/exports/store";
import { route } from "@/lib/http/handler";
import { assertExportAccess } from "@/lib/membership/access";

export const GET = route<{ id: string; name: string }>({ permission: "datasets.export", auth: "token" }, async ({ params, user }) => {
  await assertExportAccess(db, user, params.id);
  return downloadExportFile(db, user.id, params.id, params.name, { via: "api" });
});
