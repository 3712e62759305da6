import { z } from "zod";
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { editRanking } from "@/lib/labeling/edit";
import { rankingEdit } from "@/lib/validation/ranking";

export const PUT = route<{ id: string }>({ permission: "tasks.work", auth: "either" }, async ({ req, user, params }) => ({
  ranking: await editRanking(db, user, z.uuid().parse(params.id), await readJson(req, rankingEdit, 64_000)),
}));
