// What a session (the next-auth JWT) must still match to be honoured: the user's session version
// and password-change time when it was signed in. A password change raises the version and sets
// passwordChangedAt, so every other session ends at its next request (the one that changed it is
// re-issued); "sign out everywhere" raises the version alone.
import "server-only";
import type pg from "pg";
import type { Db } from "../db";
import { countTrip } from "../server-timing";
import type { SessionUser } from "./authenticate";
import { isId } from "../validation/id";

/** Carried in the JWT: sv = session version, pca = passwordChangedAt in ms (0: never changed). */
export type SessionClaims = { sv: number; pca: number };

export async function sessionClaims(db: Db, userId: string): Promise<SessionClaims> {
  const u = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true, passwordChangedAt: true } });
  return { sv: u.sessionVersion, pca: u.passwordChangedAt?.getTime() ?? 0 };
}

/** A token signed in before this field existed has neither: it counts as version 0, never changed. */
export function sessionIsCurrent(claims: Partial<SessionClaims>, user: { sessionVersion: number; passwordChangedAt: Date | null }): boolean {
  return (claims.sv ?? 0) === user.sessionVersion && (user.passwordChangedAt?.getTime() ?? 0) <= (claims.pca ?? 0);
}

/**
 * The user a session names, or null when it is unknown, disabled, or the session is older than a
 * password change or "sign out everywhere". The role and disabled flag are read here on every
 * request, so changes take effect at once. One plain query on the shared pool: every API call does it.
 */
export async function userForSession(sql: pg.Pool, session: { id?: string } & Partial<SessionClaims>): Promise<SessionUser | null> {
  if (!session.id || !isId(session.id)) return null;
  countTrip();
  const { rows } = await sql.query<SessionUser & { disabled: boolean; sessionVersion: number; passwordChangedAt: Date | null }>({
    name: "current_user",
    text: `SELECT id, email, name, role::text AS role, disabled, "sessionVersion", "passwordChangedAt"
             FROM "User" WHERE id = $1::uuid`,
    values: [session.id],
  });
  const user = rows[0];
  if (!user || user.disabled || !sessionIsCurrent(session, user)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
