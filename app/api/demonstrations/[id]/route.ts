import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { editDemonstration } from "@/lib/labeling/edit";
import { idParams } from "@/lib/validation/id";
import { demonstrationEdit } from "@/lib/validation/ranking";

export const PUT = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", params: idParams, body: demonstrationEdit, maxBytes: 1_000_000 }, async ({ user, params, body }) => ({
  demonstration: await editDemonstration(db, user, params.id, body.text),
}));
