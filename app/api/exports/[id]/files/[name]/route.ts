// Streams one file of an export as an attachment; only names the Export row lists are served.
import { db } from "@/lib/db";
import { downloadExportFile } from "@/lib/exports/store";
import { route } from "@/lib/http/handler";
import { assertExportAccess } from "@/lib/membership/access";

export const GET = route<{ id: string; name: string }>({ permission: "datasets.export", auth: "either" }, async ({ params, user }) => {
  await assertExportAccess(db, user, params.id);
  return downloadExportFile(db, user.id, params.id, params.name);
});
