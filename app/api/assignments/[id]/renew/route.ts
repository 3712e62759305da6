import { z } from "zod";
import { sqlPool } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { renewLease } from "@/lib/labeling/queue";

export const POST = route<{ id: string }>({ permission: "tasks.work", auth: "either", body: "none" }, async ({ user, params }) =>
  renewLease(sqlPool(), user, z.uuid().parse(params.id)),
);
