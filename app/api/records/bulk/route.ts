// POST /api/records/bulk { action: "requeue" | "discard", taskIds, reason }.
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { bulkRecords } from "@/lib/review/records";
import { recordsBulkInput } from "@/lib/validation/review";

export const POST = route({ permission: "labels.review" }, async ({ req, user }) => ({
  result: await bulkRecords(db, user, await readJson(req, recordsBulkInput)),
}));
