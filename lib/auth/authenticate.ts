// Email + password sign-in. One generic message for every failure, so the answer never tells
// whether an email has an account; a clear one when throttled.
import "server-only";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { Role } from "./permissions";
import { dummyHash, verifyPassword } from "./password";
import { clearFailures, lockedMinutes, recordFailure, type ThrottleKey } from "./throttle";

export const GENERIC_SIGN_IN_ERROR = "The email or password is incorrect.";

export type SessionUser = { id: string; email: string; name: string; role: Role };

export async function authenticate(
  db: Db,
  input: { email: string; password: string; ip: string },
): Promise<SessionUser> {
  const email = input.email.trim().toLowerCase();
  const keys: ThrottleKey[] = [
    { kind: "email", value: email },
    { kind: "ip", value: input.ip || "unknown" },
  ];
  const wait = await lockedMinutes(db, keys);
  if (wait > 0) {
    throw new AppError(
      "throttled",
      `Too many failed sign-ins. Try again in ${wait} minute${wait === 1 ? "" : "s"}.`,
    );
  }
  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok || user.disabled) {
    await recordFailure(db, keys);
    throw new AppError("unauthorized", GENERIC_SIGN_IN_ERROR);
  }
  await clearFailures(db, [keys[0]]);
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
