import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { nextTask } from "@/lib/labeling/queue";
import { nextTaskInput } from "@/lib/validation/queue";

export const POST = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", body: nextTaskInput, maxBytes: 10_000 }, async ({ user, body }) => ({
  task: await nextTask(sqlPool(), user, body),
}));
