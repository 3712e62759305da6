import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { submitDemonstration } from "@/lib/labeling/submit";
import { demonstrationSubmission } from "@/lib/validation/ranking";

export const POST = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", body: demonstrationSubmission, maxBytes: 1_000_000 }, async ({ user, body }) => ({
  demonstration: await submitDemonstration(sqlPool(), user, body),
}));
