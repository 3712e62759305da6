import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { editRanking } from "@/lib/labeling/edit";
import { idParams } from "@/lib/validation/id";
import { rankingEdit } from "@/lib/validation/ranking";

export const PUT = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", params: idParams, body: rankingEdit, maxBytes: 64_000 }, async ({ user, params, body }) => ({
  ranking: await editRanking(db, user, params.id, body),
}));
