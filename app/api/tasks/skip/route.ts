import { sqlPool } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { skipTask } from "@/lib/labeling/queue";
import { skipSubmission } from "@/lib/validation/ranking";

export const POST = route({ permission: "tasks.work", auth: "either" }, async ({ req, user }) => {
  await skipTask(sqlPool(), user, await readJson(req, skipSubmission, 10_000));
  return { ok: true };
});
