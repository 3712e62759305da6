import { readJson, route } from "@/lib/http/handler";
import { db } from "@/lib/db";
import { createInvite } from "@/lib/users";
import { createInviteInput } from "@/lib/validation/user";

export const POST = route({ permission: "users.manage" }, async ({ req, user }) => {
  const invite = await createInvite(db, user, await readJson(req, createInviteInput));
  return { invite: { ...invite, url: `${new URL(req.url).origin}/invite/${invite.token}` } };
});
