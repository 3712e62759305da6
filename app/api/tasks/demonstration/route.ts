import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { submitTask } from "@/lib/labeling/submit";
import { TASK_KINDS } from "@/lib/labeling/task-kinds";

const { submission, maxBytes } = TASK_KINDS.demonstration;

export const POST = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", body: submission, maxBytes }, async ({ user, body }) => ({
  demonstration: await submitTask(sqlPool(), user, "demonstration", body),
}));
