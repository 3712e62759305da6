// The signed-in user, read through one function. The JWT names the user and carries the session
// version and password-change time it was signed in with (./session.ts); the role, the disabled
// flag and whether the session still counts are read from the database on every request, so a
// role change, a disabled account or a password change takes effect at once.
import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { cache } from "react";
import { sqlPool } from "../db";
import type { SessionUser } from "./authenticate";
import { authOptionsFor } from "./options";
import { userForSession } from "./session";

export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptionsFor(await headers()));
  if (!session?.user) return null;
  return userForSession(sqlPool(), session.user);
});
