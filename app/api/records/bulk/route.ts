// POST /api/records/bulk { action: "requeue" | "discard", taskIds, reason }.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { bulkRecords } from "@/lib/review/records";
import { recordsBulkInput } from "@/lib/validation/review";

export const POST = route({ permission: "labels.review", body: recordsBulkInput }, async ({ user, body }) => ({
  result: await bulkRecords(db, user, body),
}));
