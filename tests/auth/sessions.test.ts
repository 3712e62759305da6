import { describe, expect, it } from "vitest";
import { createApiToken, userForToken } from "../../lib/auth/api-tokens";
import { sessionClaims, sessionIsCurrent, userForSession } from "../../lib/auth/session";
import { db, sqlPool } from "../../lib/db";
import { changePassword, signOutEverywhere } from "../../lib/users";
import { makeUser } from "../helpers/factories";

const pool = sqlPool();
/** What a sign-in puts in the JWT (lib/auth/options.ts jwt callback). */
const signIn = async (id: string) => ({ id, ...(await sessionClaims(db, id)) });

describe("sessions", () => {
  it("a password change ends the other sessions; the changer's re-issued claims keep working", async () => {
    const u = await makeUser("researcher");
    const [a, b] = [await signIn(u.id), await signIn(u.id)];
    expect(await userForSession(pool, a)).toMatchObject({ id: u.id });
    expect(await userForSession(pool, b)).toMatchObject({ id: u.id });
    const { tokensRevoked, ...claims } = await changePassword(db, u, u.password, "a brand new password");
    expect(tokensRevoked).toBe(0);
    expect(await userForSession(pool, b)).toBeNull();
    expect(await userForSession(pool, a)).toBeNull();
    expect(await userForSession(pool, { id: u.id, ...claims })).toMatchObject({ id: u.id });
    // A new sign-in gets the new claims.
    expect(await userForSession(pool, await signIn(u.id))).toMatchObject({ id: u.id });
  });

  it("a token from before the password change is refused even with the current version", () => {
    const changed = new Date("2026-12-01T10:00:00Z");
    expect(sessionIsCurrent({ sv: 3, pca: changed.getTime() - 1 }, { sessionVersion: 3, passwordChangedAt: changed })).toBe(false);
    expect(sessionIsCurrent({ sv: 3, pca: changed.getTime() }, { sessionVersion: 3, passwordChangedAt: changed })).toBe(true);
    expect(sessionIsCurrent({ sv: 2, pca: changed.getTime() }, { sessionVersion: 3, passwordChangedAt: changed })).toBe(false);
    // Signed in before these claims existed: version 0, never changed.
    expect(sessionIsCurrent({}, { sessionVersion: 0, passwordChangedAt: null })).toBe(true);
    expect(sessionIsCurrent({}, { sessionVersion: 0, passwordChangedAt: changed })).toBe(false);
  });

  it("API tokens survive a password change unless revoking them is asked for", async () => {
    const u = await makeUser("researcher");
    const kept = await createApiToken(db, u, { name: "kept", scopes: ["runs.read"] });
    await changePassword(db, u, u.password, "second password!!");
    expect(await userForToken(pool, kept.token)).toMatchObject({ id: u.id });
    const other = await createApiToken(db, u, { name: "other", scopes: ["runs.read"] });
    const done = await changePassword(db, u, "second password!!", "third password!!!", { revokeTokens: true });
    expect(done.tokensRevoked).toBe(2);
    expect(await userForToken(pool, kept.token)).toBeNull();
    expect(await userForToken(pool, other.token)).toBeNull();
    expect(await db.auditLog.findFirst({ where: { actorId: u.id, action: "user.password_change" }, orderBy: { createdAt: "desc" } })).toMatchObject({
      detail: { tokensRevoked: 2 },
    });
  });

  it("sign out everywhere ends every session of that user only", async () => {
    const u = await makeUser();
    const other = await makeUser();
    const [a, b, o] = [await signIn(u.id), await signIn(u.id), await signIn(other.id)];
    await signOutEverywhere(db, u);
    expect(await userForSession(pool, a)).toBeNull();
    expect(await userForSession(pool, b)).toBeNull();
    expect(await userForSession(pool, o)).toMatchObject({ id: other.id });
    expect(await userForSession(pool, await signIn(u.id))).toMatchObject({ id: u.id });
  });
});
