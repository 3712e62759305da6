import { sqlPool } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { submitDemonstration } from "@/lib/labeling/submit";
import { demonstrationSubmission } from "@/lib/validation/ranking";

export const POST = route({ permission: "tasks.work", auth: "either" }, async ({ req, user }) => ({
  demonstration: await submitDemonstration(sqlPool(), user, await readJson(req, demonstrationSubmission, 1_000_000)),
}));
