// DELETE: remove a member from the project (admins). Their past labels stay; they get no more work here.
import { z } from "zod";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { removeMember } from "@/lib/membership/members";

export const DELETE = route<{ id: string; userId: string }>({ permission: "projects.manage" }, async ({ params, user }) => {
  await removeMember(db, user, z.uuid().parse(params.id), z.uuid().parse(params.userId));
  return { ok: true };
});
