import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptionsFor } from "@/lib/auth/options";

// Options per request: the cookies are Secure whenever the request is HTTPS (lib/auth/secure-cookie.ts).
const handler = (req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }) => NextAuth(req, ctx, authOptionsFor(req.headers));
export { handler as GET, handler as POST };
