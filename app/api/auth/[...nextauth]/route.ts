import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptionsFor } from "@/lib/auth/options";
import { boundedAuthHandler } from "@/lib/http/auth-route";

// Options per request: the cookies are Secure whenever the request is HTTPS (lib/auth/secure-cookie.ts).
// The body is read first, bounded (lib/http/auth-route.ts).
const handler = boundedAuthHandler((req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(req, ctx, authOptionsFor(req.headers)));
export { handler as GET, handler as POST };
