// Sign-in throttling. Every attempt is counted BEFORE its password is checked, in one atomic
// statement that increments the counters and returns them, so parallel attempts cannot slip past
// the limit: 40 at once from one address get at most `pair.maxFailures` evaluations. A right
// password then takes its own attempt back.
//
// Three counters, each a LoginThrottle row:
//   pair:<email>|<address>   5 attempts per 15 min, then that address is locked out of that account
//                            for 15 min. Only the attacker's own address is locked.
//   ip:<address>             100 attempts per 15 min across all accounts (password spraying), then
//                            the address is locked for 15 min. Not lower: a right password takes
//                            its attempt back only after it is checked, so a team behind one NAT
//                            signing in at once counts in full for a moment (50 labelers at 9:00).
//   account:<email>          never locks (anyone could lock the admin out by guessing from many
//                            addresses). Past 20 failed attempts in 15 min, an attempt from an
//                            address that never signed in to this account waits `delayMs` before
//                            its password is checked: an attacker's guesses cost time, the owner on
//                            a fresh address still gets in, a little later.
//   known:<email>|<address>  the last successful sign-in from this address (kept 30 days): such an
//                            address is not slowed by the account counter.
// The account key is taken from the email as typed, whether or not such an account exists, so
// throttling never tells. Rows whose window and lock are over are pruned, at most every 10 minutes.
import "server-only";
import type { Db } from "../db";
import { Prisma } from "../generated/prisma/client";

export const THROTTLE_RULES = {
  pair: { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 },
  ip: { maxFailures: 100, windowMinutes: 15, lockMinutes: 15 },
  account: { slowAfter: 20, windowMinutes: 15, delayMs: 3000 },
  knownDays: 30,
} as const;

export type Attempt = { email: string; ip: string };

const norm = (s: string) => s.trim().toLowerCase();
const throttleKeys = (a: Attempt) => ({
  pair: `pair:${norm(a.email)}|${norm(a.ip)}`,
  ip: `ip:${norm(a.ip)}`,
  account: `account:${norm(a.email)}`,
  known: `known:${norm(a.email)}|${norm(a.ip)}`,
});

type Counter = { key: string; max: number | null; windowMinutes: number; lockMinutes: number };

/**
 * One counter's upsert: within the window the count goes up by one, after it restarts at 1; a
 * locked row is left as it is; a count past `max` locks the row. Returns the row as it now is.
 */
const bump = (c: Counter, now: Date) => {
  const windowStart = new Date(now.getTime() - c.windowMinutes * 60_000);
  const lockUntil = new Date(now.getTime() + c.lockMinutes * 60_000);
  const max = c.max ?? 2 ** 31 - 1;
  return Prisma.sql`
    INSERT INTO "LoginThrottle" (key, failures, "windowStart") VALUES (${c.key}, 1, ${now})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE
        WHEN "LoginThrottle"."lockedUntil" > ${now} THEN "LoginThrottle".failures
        WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN 1
        ELSE "LoginThrottle".failures + 1 END,
      "windowStart" = CASE
        WHEN "LoginThrottle"."lockedUntil" > ${now} THEN "LoginThrottle"."windowStart"
        WHEN "LoginThrottle"."windowStart" < ${windowStart} THEN ${now}
        ELSE "LoginThrottle"."windowStart" END,
      "lockedUntil" = CASE
        WHEN "LoginThrottle"."lockedUntil" > ${now} THEN "LoginThrottle"."lockedUntil"
        WHEN "LoginThrottle"."windowStart" >= ${windowStart} AND "LoginThrottle".failures + 1 > ${max} THEN ${lockUntil}::timestamptz
        ELSE NULL END
    RETURNING key, failures, "lockedUntil"`;
};

export type AttemptVerdict = { allowed: false; retryMinutes: number } | { allowed: true; delayMs: number };

/**
 * Counts a sign-in attempt on all its counters in ONE statement and says whether its password may
 * be checked (and after how long a wait). Call `attemptSucceeded` when it was right.
 */
export async function beginAttempt(db: Db, a: Attempt, now = new Date()): Promise<AttemptVerdict> {
  const k = throttleKeys(a);
  const R = THROTTLE_RULES;
  const rows = await db.$queryRaw<{ key: string; failures: number; lockedUntil: Date | null; known: boolean }[]>`
    WITH pair AS (${bump({ key: k.pair, max: R.pair.maxFailures, ...R.pair }, now)}),
         ip AS (${bump({ key: k.ip, max: R.ip.maxFailures, ...R.ip }, now)}),
         account AS (${bump({ key: k.account, max: null, windowMinutes: R.account.windowMinutes, lockMinutes: 0 }, now)})
    SELECT key, failures, "lockedUntil", false AS known FROM pair
    UNION ALL SELECT key, failures, "lockedUntil", false FROM ip
    UNION ALL SELECT key, failures, "lockedUntil",
                     EXISTS (SELECT 1 FROM "LoginThrottle" WHERE key = ${k.known}) FROM account`;
  void maybePrune(db, now);
  const locked = rows.map((r) => (r.lockedUntil ? r.lockedUntil.getTime() - now.getTime() : 0)).filter((ms) => ms > 0);
  if (locked.length) return { allowed: false, retryMinutes: Math.ceil(Math.max(...locked) / 60_000) };
  const account = rows.find((r) => r.key === k.account)!;
  const slow = account.failures > R.account.slowAfter && !account.known;
  return { allowed: true, delayMs: slow ? R.account.delayMs : 0 };
}

/** A right password: the attempt is taken back from the counters and the address becomes known. */
export async function attemptSucceeded(db: Db, a: Attempt, now = new Date()): Promise<void> {
  const k = throttleKeys(a);
  await db.$transaction([
    db.loginThrottle.deleteMany({ where: { key: k.pair } }),
    db.$executeRaw`UPDATE "LoginThrottle" SET failures = greatest(failures - 1, 0)
                    WHERE key IN (${k.ip}, ${k.account}) AND "lockedUntil" IS NULL`,
    db.$executeRaw`INSERT INTO "LoginThrottle" (key, failures, "windowStart") VALUES (${k.known}, 0, ${now})
                   ON CONFLICT (key) DO UPDATE SET "windowStart" = EXCLUDED."windowStart"`,
  ]);
}

/** Deletes counters whose window and lock are over, and known addresses not seen for 30 days. */
export async function pruneLoginThrottle(db: Db, now = new Date()): Promise<number> {
  const longestWindow = Math.max(THROTTLE_RULES.pair.windowMinutes, THROTTLE_RULES.ip.windowMinutes, THROTTLE_RULES.account.windowMinutes);
  const windowOver = new Date(now.getTime() - longestWindow * 60_000);
  const knownOver = new Date(now.getTime() - THROTTLE_RULES.knownDays * 86_400_000);
  return db.$executeRaw`
    DELETE FROM "LoginThrottle"
     WHERE CASE WHEN key LIKE 'known:%' THEN "windowStart" < ${knownOver}
                ELSE "windowStart" < ${windowOver} AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now}) END`;
}

let lastPrune = 0;
async function maybePrune(db: Db, now: Date) {
  if (now.getTime() - lastPrune < 10 * 60_000) return;
  lastPrune = now.getTime();
  await pruneLoginThrottle(db, now).catch((e) => console.error("pruning LoginThrottle failed:", e instanceof Error ? e.message : e));
}
