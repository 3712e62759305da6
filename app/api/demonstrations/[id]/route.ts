import { z } from "zod";
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { editDemonstration } from "@/lib/labeling/edit";
import { demonstrationEdit } from "@/lib/validation/ranking";

export const PUT = route<{ id: string }>({ permission: "tasks.work", auth: "either" }, async ({ req, user, params }) => ({
  demonstration: await editDemonstration(db, user, z.uuid().parse(params.id), (await readJson(req, demonstrationEdit, 1_000_000)).text),
}));
