// DELETE: remove a member from the project (admins). Their past labels stay; they get no more work here.
import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { removeMember } from "@/lib/membership/members";
import { id } from "@/lib/validation/id";

export const DELETE = route({ permission: "projects.manage", params: z.object({ id, userId: id }), body: "none" }, async ({ params, user }) => {
  await removeMember(db, user, params.id, params.userId);
  return { ok: true };
});
