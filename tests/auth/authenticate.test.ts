import { describe, expect, it } from "vitest";
import { authenticate, GENERIC_SIGN_IN_ERROR } from "../../lib/auth/authenticate";
import { hashPassword, verifyPassword } from "../../lib/auth/password";
import { THROTTLE_RULES } from "../../lib/auth/throttle";
import { db } from "../../lib/db";
import { updateUser } from "../../lib/users";
import { makeUser, uniq } from "../helpers/factories";

const ip = () => uniq("ip");

describe("passwords", () => {
  it("verify only the password they were made from, with a fresh salt each time", async () => {
    const a = await hashPassword("s3cret password");
    const b = await hashPassword("s3cret password");
    expect(a).not.toBe(b);
    expect(a.startsWith("scrypt$")).toBe(true);
    expect(await verifyPassword("s3cret password", a)).toBe(true);
    expect(await verifyPassword("s3cret passwore", a)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  });
});

describe("authenticate", () => {
  it("returns the user for the right password, whatever the email's case", async () => {
    const u = await makeUser("researcher");
    const got = await authenticate(db, { email: u.email.toUpperCase(), password: u.password, ip: ip() });
    expect(got).toEqual({ id: u.id, email: u.email, name: "", role: "researcher" });
    expect(Object.keys(got)).not.toContain("passwordHash");
  });

  it("gives the same generic error for a wrong password and for an unknown email", async () => {
    const u = await makeUser();
    await expect(authenticate(db, { email: u.email, password: "nope nope nope", ip: ip() })).rejects.toThrow(GENERIC_SIGN_IN_ERROR);
    await expect(authenticate(db, { email: "ghost@test.local", password: "nope nope nope", ip: ip() })).rejects.toThrow(GENERIC_SIGN_IN_ERROR);
  });

  it("refuses a disabled account with the generic error", async () => {
    const admin = await makeUser("admin");
    const u = await makeUser();
    await updateUser(db, admin, u.id, { disabled: true });
    await expect(authenticate(db, { email: u.email, password: u.password, ip: ip() })).rejects.toThrow(GENERIC_SIGN_IN_ERROR);
  });

  it("locks an address out of an account after repeated failures, the right password included", async () => {
    const u = await makeUser();
    const addr = ip();
    for (let i = 0; i < THROTTLE_RULES.pair.maxFailures; i++) {
      await expect(authenticate(db, { email: u.email, password: "wrong wrong", ip: addr })).rejects.toThrow(GENERIC_SIGN_IN_ERROR);
    }
    await expect(authenticate(db, { email: u.email, password: u.password, ip: addr })).rejects.toThrow(/Too many failed sign-ins\. Try again in 15 minutes\./);
  });

  it("throttles an address that tries many accounts", async () => {
    const addr = ip();
    for (let i = 0; i < THROTTLE_RULES.ip.maxFailures; i++) {
      // The password check is not what is tested here: skip scrypt for the wrong guesses.
      await authenticate(db, { email: `${uniq()}@test.local`, password: "x", ip: addr }, { verify: async () => false }).catch(() => {});
    }
    const u = await makeUser();
    await expect(authenticate(db, { email: u.email, password: u.password, ip: addr })).rejects.toThrow(/Too many failed/);
    // Another address is not affected.
    await expect(authenticate(db, { email: u.email, password: u.password, ip: ip() })).resolves.toMatchObject({ id: u.id });
  });
});
