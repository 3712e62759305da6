import { db } from "@/lib/db";
import { publicRoute, readJson } from "@/lib/http/handler";
import { acceptInvite } from "@/lib/users";
import { acceptInviteInput } from "@/lib/validation/user";

// Public by design: the invite token is the permission.
export const POST = publicRoute({ body: "json" }, async ({ req }) => {
  const user = await acceptInvite(db, await readJson(req, acceptInviteInput, 10_000));
  return { user: { email: user.email, role: user.role } };
});
