// Redirects signed-out visitors to the sign-in page. Nothing else: each route handler and page
// checks its own permission, where the record is known.
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { requestIsHttps } from "./lib/auth/secure-cookie";

const PUBLIC = ["/signin", "/invite", "/_next", "/favicon"];

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (PUBLIC.some((p) => pathname.startsWith(p))) return NextResponse.next();
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET, secureCookie: requestIsHttps(req.headers) });
  if (token) return NextResponse.next();
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

// API routes are not matched at all: each authenticates itself (session or token) and answers 401
// in JSON, and labelers' hot path (next task, submit) skips a proxy invocation per request.
export const config = { matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"] };
