// GET /api/records?q=&project=&labeler=&status=&source=&from=&to=&maxAgreement=&page=: find tasks and their labels.
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { searchRecords } from "@/lib/review/records";
import { recordsQuery } from "@/lib/validation/review";

export const GET = route({ permission: "labels.read_all", query: recordsQuery }, async ({ user, query }) => searchRecords(db, user, query));
