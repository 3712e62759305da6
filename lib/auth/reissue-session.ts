// After a password change the caller's own session would end with all the others (its claims are
// now old): it is re-issued here, the same token with the new claims, in a new cookie.
import "server-only";
import { encode, getToken } from "next-auth/jwt";
import type { NextRequest, NextResponse } from "next/server";
import { SESSION_MAX_AGE } from "./options";
import { requestIsHttps, sessionCookieName } from "./secure-cookie";
import type { SessionClaims } from "./session";
import { envVar } from "../env";

export async function reissueSession(req: NextRequest, res: NextResponse, claims: SessionClaims): Promise<void> {
  const secret = envVar("NEXTAUTH_SECRET");
  const secure = requestIsHttps(req.headers);
  const token = await getToken({ req, secret, secureCookie: secure });
  if (!token || !secret) return; // signed in with an API token or not at all: no session to keep
  const value = await encode({ token: { ...token, ...claims }, secret, maxAge: SESSION_MAX_AGE });
  res.cookies.set(sessionCookieName(secure), value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure,
    maxAge: SESSION_MAX_AGE,
  });
}
