import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { editResult } from "@/lib/labeling/edit";
import { TASK_KINDS } from "@/lib/labeling/task-kinds";
import { idParams } from "@/lib/validation/id";

const { edit, maxBytes } = TASK_KINDS.demonstration;

export const PUT = route(
  { permission: "tasks.work", auth: "either", scope: "tasks:work", params: idParams, body: edit, maxBytes },
  async ({ user, params, body }) => ({
    demonstration: await editResult(db, user, "demonstration", params.id, body),
  }),
);
