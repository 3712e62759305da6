import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { assertRunAccess } from "@/lib/membership/access";
import { getRun } from "@/lib/runs/queries";

export const GET = route<{ id: string }>({ permission: "runs.read" }, async ({ params, user }) => {
  await assertRunAccess(db, user, params.id, "runs.read");
  return { run: await getRun(params.id) };
});
