// Test data made through the same lib functions the app uses. Names are unique per call, so
// test files can share one database and run in parallel.
import crypto from "node:crypto";
import type { Role } from "../../lib/auth/permissions";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db } from "../../lib/db";
import { createUser } from "../../lib/users";

export const uniq = (prefix = "t") => `${prefix}-${crypto.randomBytes(5).toString("hex")}`;

export const TEST_PASSWORD = "correct horse battery";

export async function makeUser(role: Role = "labeler", password = TEST_PASSWORD): Promise<SessionUser & { password: string }> {
  const user = await createUser(db, null, { email: `${uniq(role)}@test.local`, name: "", role, password });
  return { id: user.id, email: user.email, name: user.name, role: user.role, password };
}
