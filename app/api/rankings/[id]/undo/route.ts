import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { undoRanking } from "@/lib/labeling/undo";

export const POST = route<{ id: string }>({ permission: "tasks.work", auth: "either", body: "none" }, async ({ user, params }) => ({
  undone: await undoRanking(db, user, z.uuid().parse(params.id)),
}));
