// Email + password sign-in. One generic message for every failure, so the answer never tells
// whether an email has an account; a clear one when throttled (./throttle.ts: the attempt is
// counted before the password is checked).
import "server-only";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { Role } from "./permissions";
import { dummyHash, hashPassword, needsRehash, PASSWORD_COST, verifyPassword, type PasswordCost } from "./password";
import { attemptSucceeded, beginAttempt } from "./throttle";

export const GENERIC_SIGN_IN_ERROR = "The email or password is incorrect.";

export type SessionUser = { id: string; email: string; name: string; role: Role };

type Hooks = {
  /** Checks a password against a stored hash (tests count the evaluations). */
  verify?: (password: string, stored: string) => Promise<boolean>;
  /** Waits before checking a slowed attempt (tests record the wait instead). */
  sleep?: (ms: number) => Promise<void>;
  /** The cost a re-hash is made at (default PASSWORD_COST). */
  cost?: PasswordCost;
};

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function authenticate(db: Db, input: { email: string; password: string; ip: string }, hooks: Hooks = {}): Promise<SessionUser> {
  const email = input.email.trim().toLowerCase();
  const attempt = { email, ip: input.ip || "unknown" };
  const verdict = await beginAttempt(db, attempt);
  if (!verdict.allowed) {
    const wait = verdict.retryMinutes;
    throw new AppError("throttled", `Too many failed sign-ins. Try again in ${wait} minute${wait === 1 ? "" : "s"}.`);
  }
  if (verdict.delayMs > 0) await (hooks.sleep ?? realSleep)(verdict.delayMs);
  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = await (hooks.verify ?? verifyPassword)(input.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok || user.disabled) throw new AppError("unauthorized", GENERIC_SIGN_IN_ERROR);
  await attemptSucceeded(db, attempt);
  // A hash made at an older, lower cost is replaced now that the password is known.
  const cost = hooks.cost ?? PASSWORD_COST;
  if (needsRehash(user.passwordHash, cost)) {
    const passwordHash = await hashPassword(input.password, cost);
    await db.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
  }
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
