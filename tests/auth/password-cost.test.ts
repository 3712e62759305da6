import crypto from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";

// Counts scrypt hashes made through lib/auth/password (lib/users imports the same module).
vi.mock("../../lib/auth/password", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../lib/auth/password")>();
  return { ...orig, hashPassword: vi.fn(orig.hashPassword) };
});

const { hashPassword, needsRehash, verifyPassword, PASSWORD_COST } = await import("../../lib/auth/password");
const { authenticate } = await import("../../lib/auth/authenticate");
const { acceptInvite, createInvite } = await import("../../lib/users");
const { db } = await import("../../lib/db");
const { makeUser, uniq } = await import("../helpers/factories");

/** A hash in the format of the first release: N=2^15, r=8, p=1, 16-byte salt, 32-byte key. */
function oldFormatHash(password: string) {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password.normalize("NFKC"), salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ["scrypt", 1 << 15, 8, 1, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

describe("password hashes", () => {
  it("are made at the current cost, which is above the old 2^15, and say their parameters", async () => {
    expect(PASSWORD_COST.log2N).toBeGreaterThanOrEqual(15);
    const h = await hashPassword("a password");
    expect(h.split("$").slice(0, 4)).toEqual(["scrypt", String(2 ** PASSWORD_COST.log2N), "8", "1"]);
    expect(needsRehash(h)).toBe(false);
  });

  // 2^17 hashes take 0.25 s on a quiet machine, tens of seconds on a loaded one.
  it("verify at N=2^17, which the old 64 MiB memory cap refused", { timeout: 240_000 }, async () => {
    const h = await hashPassword("stronger", { log2N: 17 });
    expect(h.startsWith(`scrypt$${2 ** 17}$8$1$`)).toBe(true);
    expect(await verifyPassword("stronger", h)).toBe(true);
    expect(await verifyPassword("weaker", h)).toBe(false);
  });

  it("refuse a stored hash whose cost is absurd rather than allocate for it", async () => {
    expect(await verifyPassword("x", `scrypt$${2 ** 30}$8$1$c2FsdA$aGFzaA`)).toBe(false);
  });

  it("of the old format still verify, and are re-hashed at the current cost on the next sign-in", { timeout: 240_000 }, async () => {
    const old = oldFormatHash("old password!");
    expect(await verifyPassword("old password!", old)).toBe(true);
    expect(await verifyPassword("old passwort!", old)).toBe(false);
    const u = await makeUser();
    await db.user.update({ where: { id: u.id }, data: { passwordHash: old } });
    // Run as in production: the default cost, whatever the test setup chose.
    expect(needsRehash(old, { log2N: 17 })).toBe(true);
    await authenticate(db, { email: u.email, password: "old password!", ip: uniq("ip") }, { cost: { log2N: 17 } });
    const row = await db.user.findUniqueOrThrow({ where: { id: u.id }, omit: { passwordHash: false } });
    expect(row.passwordHash).not.toBe(old);
    expect(row.passwordHash.startsWith(`scrypt$${2 ** 17}$8$1$`)).toBe(true);
    expect(await verifyPassword("old password!", row.passwordHash)).toBe(true);
  });
});

describe("acceptInvite", () => {
  beforeEach(() => {
    vi.mocked(hashPassword).mockClear();
  });

  it("does not hash the password for an unknown, used or expired invite", async () => {
    await expect(acceptInvite(db, { token: "no-such-invite", email: `${uniq()}@test.local`, name: "", password: "pw pw pw pw" })).rejects.toThrow(
      "This invite link is invalid, used or expired.",
    );
    const admin = await makeUser("admin");
    vi.mocked(hashPassword).mockClear();
    const expired = await createInvite(db, admin, { role: "labeler", expiresInDays: 1 });
    await db.invite.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(acceptInvite(db, { token: expired.token, email: `${uniq()}@test.local`, name: "", password: "pw pw pw pw" })).rejects.toThrow(
      /invalid, used or expired/,
    );
    const forOther = await createInvite(db, admin, { role: "labeler", email: `${uniq()}@test.local`, expiresInDays: 1 });
    await expect(acceptInvite(db, { token: forOther.token, email: `${uniq()}@test.local`, name: "", password: "pw pw pw pw" })).rejects.toThrow(
      /another email/,
    );
    expect(hashPassword).not.toHaveBeenCalled();
    // A valid one is hashed once.
    const ok = await createInvite(db, admin, { role: "labeler", expiresInDays: 1 });
    await acceptInvite(db, { token: ok.token, email: `${uniq()}@test.local`, name: "", password: "pw pw pw pw" });
    expect(hashPassword).toHaveBeenCalledTimes(1);
  });
});
