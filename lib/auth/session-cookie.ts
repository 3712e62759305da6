// The signed-in user a request's session cookie names, read from its headers alone: the cookie
// (next-auth's JWT, encrypted with NEXTAUTH_SECRET; chunked as `name.0`, `name.1`... when long),
// decrypted and checked for expiry, then the user it names looked up (./session.ts). Pages and Next.js
// routes reach it through getCurrentUser (./current-user.ts); the routes the web server answers itself
// (lib/http/direct.ts) call it with the request's headers. A session JWT is read from the cookie only,
// never from an Authorization header.
import "server-only";
import { decode } from "next-auth/jwt";
import { sqlPool } from "../db";
import { envVar } from "../env";
import { headerOf, type HeaderBag } from "../http/https";
import type { SessionUser } from "./authenticate";
import { requestIsHttps, sessionCookieName } from "./secure-cookie";
import { userForSession } from "./session";

export async function sessionUserFromHeaders(headers: HeaderBag): Promise<SessionUser | null> {
  const jwt = sessionCookie(cookieHeader(headers), sessionCookieName(requestIsHttps(headers)));
  if (!jwt) return null;
  const secret = envVar("NEXTAUTH_SECRET"); // as next-auth and proxy.ts read it (lib/auth/options.ts)
  if (!secret) return null;
  let claims: Record<string, unknown> | null;
  try {
    claims = await decode({ token: jwt, secret });
  } catch {
    return null; // tampered, expired, or signed with another secret
  }
  if (!claims) return null;
  return userForSession(sqlPool(), {
    id: typeof claims.uid === "string" ? claims.uid : undefined,
    sv: typeof claims.sv === "number" ? claims.sv : undefined,
    pca: typeof claims.pca === "number" ? claims.pca : undefined,
  });
}

function cookieHeader(headers: HeaderBag): string {
  const raw = headerOf(headers, "cookie");
  return (Array.isArray(raw) ? raw.join("; ") : raw) ?? "";
}

/** The session cookie's value: `name`, or its chunks `name.0`, `name.1`... joined in order ("" when absent). */
export function sessionCookie(cookieHeader: string, name: string): string {
  const chunks: [number, string][] = [];
  for (const pair of cookieHeader.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim();
    if (key !== name && !key.startsWith(`${name}.`)) continue;
    const suffix = key === name ? 0 : Number(key.slice(name.length + 1));
    if (!Number.isInteger(suffix)) continue;
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      /* kept as sent */
    }
    chunks.push([suffix, value]);
  }
  return chunks
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v)
    .join("");
}
