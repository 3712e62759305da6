// Redirects signed-out visitors to the sign-in page, and sets every page's security headers (a CSP
// with a fresh nonce, HSTS over https; lib/http/security-headers). Nothing else: each route handler
// and page checks its own permission, where the record is known.
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { requestIsHttps } from "./lib/auth/secure-cookie";
import { envVar } from "./lib/env";
import { HSTS, newNonce, pageCsp, servedOverHttps } from "./lib/http/security-headers";

const PUBLIC = ["/signin", "/invite", "/_next", "/favicon", "/icon.svg"];

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const nonce = newNonce();
  const csp = pageCsp(nonce);
  let res: NextResponse;
  if (PUBLIC.some((p) => pathname.startsWith(p)) || (await getToken({ req, secret: envVar("NEXTAUTH_SECRET"), secureCookie: requestIsHttps(req.headers) }))) {
    // Next reads the nonce from the request's CSP and puts it on its own scripts; the layout reads x-nonce.
    const headers = new Headers(req.headers);
    headers.set("x-nonce", nonce);
    headers.set("content-security-policy", csp);
    res = NextResponse.next({ request: { headers } });
  } else {
    const url = req.nextUrl.clone();
    url.pathname = "/signin";
    url.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
    res = NextResponse.redirect(url);
  }
  res.headers.set("content-security-policy", csp);
  if (servedOverHttps(req)) res.headers.set("strict-transport-security", HSTS);
  return res;
}

// API routes are not matched at all: each authenticates itself (session or token) and answers 401
// in JSON, and labelers' hot path (next task, submit) skips a proxy invocation per request; their
// headers come from next.config.js.
export const config = { matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)"] };
