import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { assertRunAccess } from "@/lib/membership/access";
import { resumeRun } from "@/lib/runs/control";

export const POST = route<{ id: string }>({ permission: "runs.create", body: "none" }, async ({ user, params }) => {
  await assertRunAccess(db, user, params.id, "runs.create");
  return resumeRun(user, params.id);
});
