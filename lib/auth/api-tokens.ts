// Personal API tokens: shown once, stored as a sha256 hash, revocable, scoped to a subset of the
// owner's permissions. A token is "rlhf_" + 32 random bytes (base64url).
import "server-only";
import crypto from "node:crypto";
import type { Db } from "../db";
import { AppError } from "../errors";
import type { SessionUser } from "./authenticate";
import { roleCan, type Permission } from "./permissions";

const PREFIX = "rlhf_";
export const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export async function createApiToken(
  db: Db,
  user: SessionUser,
  input: { name: string; scopes: Permission[]; expiresAt?: Date },
): Promise<{ id: string; token: string }> {
  const denied = input.scopes.find((s) => !roleCan(user.role, s));
  if (denied) throw new AppError("forbidden", `Your role cannot grant the scope ${denied}.`);
  const token = PREFIX + crypto.randomBytes(32).toString("base64url");
  const row = await db.apiToken.create({
    data: {
      userId: user.id,
      name: input.name,
      prefix: token.slice(0, PREFIX.length + 6),
      tokenHash: hashToken(token),
      scopes: input.scopes,
      expiresAt: input.expiresAt,
    },
    select: { id: true },
  });
  return { id: row.id, token };
}

export type TokenUser = SessionUser & { scopes: Permission[] };

/** The user behind a bearer token, or null when it is unknown, revoked, expired or disabled. */
export async function userForToken(db: Db, token: string): Promise<TokenUser | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true, role: true, disabled: true } } },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date()) || row.user.disabled) return null;
  // Record use at most once a minute: a busy pipeline should not write on every request.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  const { user } = row;
  return { id: user.id, email: user.email, name: user.name, role: user.role, scopes: row.scopes as Permission[] };
}

export async function revokeApiToken(db: Db, user: SessionUser, id: string): Promise<void> {
  const { count } = await db.apiToken.updateMany({
    where: { id, userId: user.id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError("not_found", "That token was not found.");
}
