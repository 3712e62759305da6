// Failed sign-ins are throttled per account and per address. The account key is taken from the
// email as typed, whether or not such an account exists, so throttling never tells.
import "server-only";
import type { Db } from "../db";

export const THROTTLE_RULES = {
  email: { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 },
  ip: { maxFailures: 30, windowMinutes: 15, lockMinutes: 15 },
} as const;

export type ThrottleKey = { kind: keyof typeof THROTTLE_RULES; value: string };
const keyOf = (k: ThrottleKey) => `${k.kind}:${k.value.toLowerCase()}`;

/** Minutes until the first locked key unlocks, or 0 when none is locked. */
export async function lockedMinutes(db: Db, keys: ThrottleKey[], now = new Date()): Promise<number> {
  const rows = await db.loginThrottle.findMany({ where: { key: { in: keys.map(keyOf) } } });
  const until = Math.max(0, ...rows.map((r) => (r.lockedUntil ? r.lockedUntil.getTime() - now.getTime() : 0)));
  return until > 0 ? Math.ceil(until / 60_000) : 0;
}

export async function recordFailure(db: Db, keys: ThrottleKey[], now = new Date()): Promise<void> {
  for (const k of keys) {
    const rule = THROTTLE_RULES[k.kind];
    const windowStart = new Date(now.getTime() - rule.windowMinutes * 60_000);
    // One statement: reset the count when the window has passed, then lock at the limit.
    await db.$executeRaw`
      INSERT INTO "LoginThrottle" (key, failures, "windowStart") VALUES (${keyOf(k)}, 1, ${now})
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN 1 ELSE "LoginThrottle".failures + 1 END,
        "windowStart" = CASE WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN ${now} ELSE "LoginThrottle"."windowStart" END`;
    await db.$executeRaw`
      UPDATE "LoginThrottle" SET "lockedUntil" = ${new Date(now.getTime() + rule.lockMinutes * 60_000)}, failures = 0, "windowStart" = ${now}
      WHERE key = ${keyOf(k)} AND failures >= ${rule.maxFailures}`;
  }
}

export async function clearFailures(db: Db, keys: ThrottleKey[]): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: { in: keys.map(keyOf) } } });
}
