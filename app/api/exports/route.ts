import { db } from "@/lib/db";
import { createExport } from "@/lib/exports/snapshot";
import { listExports } from "@/lib/exports/store";
import { readJson, route } from "@/lib/http/handler";
import { createExportInput } from "@/lib/validation/export";

export const GET = route({ permission: "datasets.export", auth: "either" }, async () => ({ exports: await listExports(db) }));

export const POST = route({ permission: "datasets.export", auth: "either" }, async ({ req, user }) => ({
  export: await createExport(db, user, await readJson(req, createExportInput)),
}));
