import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { releaseLease } from "@/lib/labeling/queue";
import { idParams } from "@/lib/validation/id";

/** The labeler gives back a lease they will not use (a prefetched next task, when they leave the page). */
export const POST = route({ permission: "tasks.work", auth: "either", scope: "tasks:work", body: "none", params: idParams }, async ({ user, params }) =>
  releaseLease(sqlPool(), user, params.id),
);
