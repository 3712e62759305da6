// The signed-in user, read through one function. The JWT names the user; the role and the
// disabled flag are read from the database on every request, so a role change or a disabled
// account takes effect at once. Every API call does this, so it is one plain query on the shared
// pool rather than a trip through Prisma's query engine.
import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { sqlPool } from "../db";
import { authOptions } from "./options";
import type { SessionUser } from "./authenticate";

export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const { rows } = await sqlPool().query<SessionUser & { disabled: boolean }>({
    name: "current_user",
    text: `SELECT id, email, name, role::text AS role, disabled FROM "User" WHERE id = $1::uuid`,
    values: [id],
  });
  const user = rows[0];
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});
