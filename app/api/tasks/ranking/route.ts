import { sqlPool } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { submitRanking } from "@/lib/labeling/submit";
import { rankingSubmission } from "@/lib/validation/ranking";

export const POST = route({ permission: "tasks.work", auth: "either" }, async ({ req, user }) => ({
  ranking: await submitRanking(sqlPool(), user, await readJson(req, rankingSubmission, 64_000)),
}));
