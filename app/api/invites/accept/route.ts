import { db } from "@/lib/db";
import { publicRoute } from "@/lib/http/handler";
import { acceptInvite } from "@/lib/users";
import { acceptInviteInput } from "@/lib/validation/user";

// Public by design: the invite token is the permission.
export const POST = publicRoute({ body: acceptInviteInput, maxBytes: 10_000 }, async ({ body }) => {
  const user = await acceptInvite(db, body);
  return { user: { email: user.email, role: user.role } };
});
