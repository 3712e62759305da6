import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { renewLease } from "@/lib/labeling/queue";
import { idParams } from "@/lib/validation/id";

export const POST = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", body: "none", params: idParams }, async ({ user, params }) =>
  renewLease(sqlPool(), user, params.id),
);
