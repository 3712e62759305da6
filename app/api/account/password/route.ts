import { NextResponse } from "next/server";
import { route } from "@/lib/http/handler";
import { reissueSession } from "@/lib/auth/reissue-session";
import { db } from "@/lib/db";
import { changePassword } from "@/lib/users";
import { changePasswordInput } from "@/lib/validation/user";

// Other sessions end (and, when asked, API tokens are revoked); this one is re-issued and stays.
export const POST = route({ permission: "account.self", body: changePasswordInput }, async ({ req, user, body }) => {
  const { tokensRevoked, ...claims } = await changePassword(db, user, body.current, body.next, { revokeTokens: body.revokeTokens });
  const res = NextResponse.json({ ok: true, tokensRevoked });
  await reissueSession(req, res, claims);
  return res;
});
