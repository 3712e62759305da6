import type { DefaultSession } from "next-auth";
import type { Role } from "@/lib/auth/permissions";

declare module "next-auth" {
  interface Session {
    /** sv, pca: the session version and password-change time it was signed in with (lib/auth/session.ts). */
    user: { id: string; role: Role; sv?: number; pca?: number } & DefaultSession["user"];
  }
  interface User {
    role: Role;
  }
}
