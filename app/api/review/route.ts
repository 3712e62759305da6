// GET /api/review?projectId=: the review queue (reported, lowest agreement, a random sample).
import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { reviewQueue } from "@/lib/review/queue";
import { id } from "@/lib/validation/id";

export const GET = route({ permission: "labels.review", query: z.object({ projectId: id.optional() }) }, async ({ user, query }) => ({
  queue: await reviewQueue(db, user, query),
}));
