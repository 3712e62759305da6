import { z } from "zod";
import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { releaseLease } from "@/lib/labeling/queue";

/** The labeler gives back a lease they will not use (a prefetched next task, when they leave the page). */
export const POST = route<{ id: string }>({ permission: "tasks.work", auth: "either", body: "none" }, async ({ user, params }) =>
  releaseLease(sqlPool(), user, z.uuid().parse(params.id)),
);
