import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { submitRanking } from "@/lib/labeling/submit";
import { rankingSubmission } from "@/lib/validation/ranking";

export const POST = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", body: rankingSubmission, maxBytes: 64_000 }, async ({ user, body }) => ({
  ranking: await submitRanking(sqlPool(), user, body),
}));
