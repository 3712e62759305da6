import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { boundedAuthHandler } from "@/lib/http/auth-route";

const handler = boundedAuthHandler(NextAuth(authOptions));
export { handler as GET, handler as POST };
