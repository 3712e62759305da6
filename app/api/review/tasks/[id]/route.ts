// GET: everything about one task (labels.read_all in its project). POST: a review decision
// (accept, override, discard a label) with a reason, audited.
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { assertTaskReviewable } from "@/lib/review/access";
import { decide } from "@/lib/review/decide";
import { taskDetail } from "@/lib/review/task-detail";
import { reviewDecisionInput } from "@/lib/validation/review";

export const GET = route<{ id: string }>({ permission: "labels.read_all" }, async ({ params, user }) => {
  await assertTaskReviewable(db, user, params.id, "labels.read_all");
  return { task: await taskDetail(db, params.id) };
});

export const POST = route<{ id: string }>({ permission: "labels.review" }, async ({ req, params, user }) => ({
  review: await decide(db, user, params.id, await readJson(req, reviewDecisionInput)),
}));
