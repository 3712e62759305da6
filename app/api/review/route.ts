// GET /api/review?projectId=: the review queue (reported, lowest agreement, a random sample).
import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { reviewQueue } from "@/lib/review/queue";

const query = z.object({ projectId: z.guid().optional() });

export const GET = route({ permission: "labels.review" }, async ({ req, user }) => ({
  queue: await reviewQueue(db, user, query.parse(Object.fromEntries(req.nextUrl.searchParams))),
}));
