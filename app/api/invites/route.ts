import { route } from "@/lib/http/handler";
import { db } from "@/lib/db";
import { createInvite } from "@/lib/users";
import { createInviteInput } from "@/lib/validation/user";

export const POST = route({ permission: "users.manage", body: createInviteInput }, async ({ req, user, body }) => {
  const invite = await createInvite(db, user, body);
  return { invite: { ...invite, url: `${new URL(req.url).origin}/invite/${invite.token}` } };
});
