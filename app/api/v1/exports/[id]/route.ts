import { db } from "@/lib/db";
import { getExport } from "@/lib/exports/store";
import { route } from "@/lib/http/handler";
import { assertExportAccess } from "@/lib/membership/access";

export const GET = route<{ id: string }>({ permission: "datasets.export", auth: "token" }, async ({ params, user }) => {
  await assertExportAccess(db, user, params.id);
  return { export: await getExport(db, params.id) };
});
