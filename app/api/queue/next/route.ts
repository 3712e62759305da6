import { sqlPool } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { nextTask } from "@/lib/labeling/queue";
import { nextTaskInput } from "@/lib/validation/queue";

export const POST = route({ permission: "tasks.work", auth: "either" }, async ({ req, user }) => ({
  task: await nextTask(sqlPool(), user, await readJson(req, nextTaskInput, 10_000)),
}));
