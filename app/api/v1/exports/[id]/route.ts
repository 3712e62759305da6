import { db } from "@/lib/db";
import { getExport } from "@/lib/exports/store";
import { route } from "@/lib/http/handler";

export const GET = route<{ id: string }>({ permission: "datasets.export", auth: "token" }, async ({ params }) => ({
  export: await getExport(db, params.id),
}));
