import { describe, expect, it } from "vitest";
import { authenticate, GENERIC_SIGN_IN_ERROR } from "../../lib/auth/authenticate";
import { pruneLoginThrottle, THROTTLE_RULES } from "../../lib/auth/throttle";
import { verifyPassword } from "../../lib/auth/password";
import { db } from "../../lib/db";
import { makeUser, uniq } from "../helpers/factories";

const ip = () => uniq("ip");
/** For wrong guesses whose password check is not what a test is about: no scrypt. */
const wrong = { verify: async () => false };

describe("sign-in throttle", () => {
  it("evaluates at most maxFailures of 40 parallel wrong passwords from one address", async () => {
    const u = await makeUser("admin");
    const addr = ip();
    let evaluated = 0;
    const counting = async (pw: string, hash: string) => {
      evaluated++;
      return verifyPassword(pw, hash);
    };
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => authenticate(db, { email: u.email, password: "wrong wrong", ip: addr }, { verify: counting })),
    );
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(evaluated).toBeLessThanOrEqual(THROTTLE_RULES.pair.maxFailures);
    expect(evaluated).toBeGreaterThan(0);
    const throttled = results.filter((r) => r.status === "rejected" && /Too many failed sign-ins/.test(String(r.reason)));
    expect(throttled.length).toBeGreaterThanOrEqual(40 - THROTTLE_RULES.pair.maxFailures);
    // That address is locked out of this account, even with the right password.
    await expect(authenticate(db, { email: u.email, password: u.password, ip: addr })).rejects.toThrow(/Too many failed sign-ins/);
  });

  it("does not lock the owner out: the right password from another address still signs in", async () => {
    const u = await makeUser("admin");
    const attacker = ip();
    for (let i = 0; i < THROTTLE_RULES.pair.maxFailures + 3; i++) {
      await authenticate(db, { email: u.email, password: "wrong wrong", ip: attacker }, wrong).catch(() => {});
    }
    await expect(authenticate(db, { email: u.email, password: u.password, ip: ip() })).resolves.toMatchObject({ id: u.id });
  });

  it("slows, never refuses, the right password from a fresh address while the account is under attack", async () => {
    const u = await makeUser("admin");
    // Many addresses, each staying under its own limit, push the account over its looser limit.
    const addrs = Array.from({ length: Math.ceil(THROTTLE_RULES.account.slowAfter / 2) + 1 }, () => ip());
    for (const a of addrs) {
      for (let i = 0; i < 2; i++) await authenticate(db, { email: u.email, password: "wrong", ip: a }, wrong).catch(() => {});
    }
    const slept: number[] = [];
    const sleep = async (ms: number) => void slept.push(ms);
    await expect(authenticate(db, { email: u.email, password: u.password, ip: ip() }, { sleep })).resolves.toMatchObject({ id: u.id });
    expect(slept).toEqual([THROTTLE_RULES.account.delayMs]);
    // An address that signed in to this account before is not slowed.
    const home = ip();
    await authenticate(db, { email: u.email, password: u.password, ip: home }, { sleep });
    slept.length = 0;
    await authenticate(db, { email: u.email, password: u.password, ip: home }, { sleep });
    expect(slept).toEqual([]);
  });

  it("a success clears the address's failures on that account", async () => {
    const u = await makeUser();
    const addr = ip();
    for (let i = 0; i < THROTTLE_RULES.pair.maxFailures - 1; i++) {
      await authenticate(db, { email: u.email, password: "wrong", ip: addr }, wrong).catch(() => {});
    }
    await authenticate(db, { email: u.email, password: u.password, ip: addr });
    for (let i = 0; i < THROTTLE_RULES.pair.maxFailures - 1; i++) {
      await expect(authenticate(db, { email: u.email, password: "wrong", ip: addr }, wrong)).rejects.toThrow(GENERIC_SIGN_IN_ERROR);
    }
  });

  it("prunes rows whose window and lock are long over, keeps live ones", async () => {
    const old = new Date(Date.now() - 3 * 86_400_000);
    const keys = { stale: `pair:${uniq()}`, locked: `pair:${uniq()}`, fresh: `ip:${uniq()}`, known: `known:${uniq()}` };
    await db.loginThrottle.createMany({
      data: [
        { key: keys.stale, failures: 3, windowStart: old },
        { key: keys.locked, failures: 0, windowStart: old, lockedUntil: new Date(Date.now() + 60_000) },
        { key: keys.fresh, failures: 1, windowStart: new Date() },
        { key: keys.known, failures: 0, windowStart: old },
      ],
    });
    await pruneLoginThrottle(db);
    const left = await db.loginThrottle.findMany({ where: { key: { in: Object.values(keys) } } });
    expect(left.map((r) => r.key).sort()).toEqual([keys.locked, keys.fresh, keys.known].sort());
  });
});
