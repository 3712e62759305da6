// GET: everything about one task (labels.read_all in its project). POST: a review decision
// (accept, override, discard a label) with a reason, audited.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { assertTaskReviewable } from "@/lib/review/access";
import { decide } from "@/lib/review/decide";
import { taskDetail } from "@/lib/review/task-detail";
import { idParams } from "@/lib/validation/id";
import { reviewDecisionInput } from "@/lib/validation/review";

export const GET = route({ permission: "labels.read_all", params: idParams }, async ({ params, user }) => {
  await assertTaskReviewable(db, user, params.id, "labels.read_all");
  return { task: await taskDetail(db, params.id) };
});

export const POST = route({ permission: "labels.review", params: idParams, body: reviewDecisionInput }, async ({ params, user, body }) => ({
  review: await decide(db, user, params.id, body),
}));
