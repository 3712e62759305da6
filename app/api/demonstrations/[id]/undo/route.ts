import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { undoResult } from "@/lib/labeling/undo";
import { idParams } from "@/lib/validation/id";

export const POST = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", body: "none", params: idParams }, async ({ user, params }) => ({
  undone: await undoResult(db, user, "demonstration", params.id),
}));
