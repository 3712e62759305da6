// next-auth configuration: the Credentials provider (email + password) and JWT sessions that
// carry the user's id, role, session version and password-change time (./session.ts). Kept here,
// not in the route file, so server code can import it. authOptionsFor(headers) is what every
// reader and writer of the cookie uses: Secure cookies whenever the request is HTTPS (./secure-cookie.ts).
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db";
import { AppError } from "../errors";
import { authenticate } from "./authenticate";
import type { Role } from "./permissions";
import { clientIp } from "./client-ip";
import { requestIsHttps } from "./secure-cookie";
import { sessionClaims } from "./session";
import { envVar } from "../env";

const credentials = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });

export const SESSION_MAX_AGE = 7 * 24 * 3600;

const authOptions: NextAuthOptions = {
  secret: envVar("NEXTAUTH_SECRET"),
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new Error("Enter your email and password.");
        try {
          const headers = (req?.headers ?? {}) as Record<string, string | string[] | undefined>;
          return await authenticate(db, { ...parsed.data, ip: clientIp(headers) });
        } catch (e) {
          // next-auth passes the message through to the sign-in form as `error`.
          if (e instanceof AppError) throw new Error(e.message);
          throw e;
        }
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = (user as { role: Role }).role;
        Object.assign(token, await sessionClaims(db, user.id));
      }
      return token;
    },
    async session({ session, token }) {
      if (session.user) {
        session.user.id = token.uid as string;
        session.user.role = token.role as Role;
        session.user.sv = token.sv as number | undefined;
        session.user.pca = token.pca as number | undefined;
      }
      return session;
    },
  },
};

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** The options for one request: Secure cookies when it came over HTTPS. */
export const authOptionsFor = (headers: HeaderBag): NextAuthOptions => ({ ...authOptions, useSecureCookies: requestIsHttps(headers) });
