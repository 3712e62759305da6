import { revokeOwnApiToken } from "@/lib/auth/api-tokens";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { idParams } from "@/lib/validation/id";

// Revokes one of the signed-in user's own tokens; someone else's token reads as not found.
export const DELETE = route({ permission: "tokens.manage_own", params: idParams }, async ({ user, params }) => {
  await revokeOwnApiToken(db, user, params.id);
  return { ok: true };
});
