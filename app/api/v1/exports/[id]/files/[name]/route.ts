// GET /api/v1/exports/{id}/files/{name}: streams one file the export lists, with its sha256 in a header.
import { db } from "@/lib/db";
import { downloadExportFile } from "@/lib/exports/store";
import { route } from "@/lib/http/handler";

export const GET = route<{ id: string; name: string }>({ permission: "datasets.export", auth: "token" }, async ({ params, user }) =>
  downloadExportFile(db, user.id, params.id, params.name, { via: "api" }),
);
