// For pages and server actions: the signed-in user with a permission, or a redirect / 403.
import "server-only";
import { forbidden, redirect } from "next/navigation";
import type { SessionUser } from "./authenticate";
import { getCurrentUser } from "./current-user";
import { can, type Permission } from "./permissions";

export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/signin");
  return user;
}

export async function requirePermission(permission: Permission): Promise<SessionUser> {
  const user = await requireUser();
  if (!can(user, permission)) forbidden();
  return user;
}
