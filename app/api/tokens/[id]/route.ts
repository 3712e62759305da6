import { z } from "zod";
import { audit } from "@/lib/audit";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/handler";

// Revokes one of the signed-in user's own tokens; someone else's token reads as not found.
export const DELETE = route<{ id: string }>({ permission: "tokens.manage_own" }, async ({ user, params }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw notFound("That token");
  await revokeApiToken(db, user, id.data);
  await audit(db, user.id, "token.revoke", { type: "api_token", id: id.data });
  return { ok: true };
});
