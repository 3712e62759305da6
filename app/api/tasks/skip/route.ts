import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { skipTask } from "@/lib/labeling/queue";
import { skipSubmission } from "@/lib/validation/ranking";

export const POST = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", body: skipSubmission, maxBytes: 10_000 }, async ({ user, body }) => {
  await skipTask(sqlPool(), user, body);
  return { ok: true };
});
