// Personal API tokens: shown once, stored as a sha256 hash, revocable, scoped to a subset of the
// owner's permissions. A token is "rlhf_" + 32 random bytes (base64url).
import "server-only";
import crypto from "node:crypto";
import type pg from "pg";
import { audit } from "../audit";
import type { Db } from "../db";
import { AppError } from "../errors";
import { countTrip } from "../server-timing";
import type { SessionUser } from "./authenticate";
import { roleCan } from "./permissions";
import { grantFor } from "./scopes";

const PREFIX = "rlhf_";
export const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export async function createApiToken(
  db: Db,
  user: SessionUser,
  input: { name: string; scopes: readonly string[]; expiresAt?: Date },
): Promise<{ id: string; token: string }> {
  const denied = input.scopes.find((s) => {
    const grant = grantFor(s);
    return !grant || !roleCan(user.role, grant);
  });
  if (denied) throw new AppError("forbidden", `Your role cannot grant the scope ${denied}.`);
  const token = PREFIX + crypto.randomBytes(32).toString("base64url");
  const row = await db.apiToken.create({
    data: {
      userId: user.id,
      name: input.name,
      prefix: token.slice(0, PREFIX.length + 6),
      tokenHash: hashToken(token),
      scopes: [...input.scopes],
      expiresAt: input.expiresAt,
    },
    select: { id: true },
  });
  return { id: row.id, token };
}

/** `scopes`: as stored (scope names, or a legacy token's permission names: lib/auth/scopes tokenScopes). */
export type TokenUser = SessionUser & { scopes: string[] };

/**
 * The user behind a bearer token, or null when it is unknown, revoked, expired or disabled.
 * Every API call made with a token does this, so it is one plain query on the shared pool (like
 * getCurrentUser) rather than a trip through Prisma's query engine, and one round trip: the
 * token's use is recorded (at most once a minute: a busy pipeline should not write on every
 * request) by the same statement that looks it up.
 */
export async function userForToken(sql: pg.Pool, token: string): Promise<TokenUser | null> {
  if (!token.startsWith(PREFIX)) return null;
  countTrip();
  const { rows } = await sql.query<TokenUser>({
    name: "user_for_token",
    text: `WITH found AS (
             SELECT u.id, u.email, u.name, u.role::text AS role, k.scopes, k.id AS "tokenId",
                    (k."lastUsedAt" IS NULL OR k."lastUsedAt" < now() - interval '1 minute') AS stale
               FROM "ApiToken" k JOIN "User" u ON u.id = k."userId"
              WHERE k."tokenHash" = $1 AND k."revokedAt" IS NULL
                AND (k."expiresAt" IS NULL OR k."expiresAt" > now()) AND NOT u.disabled
           ), used AS (
             UPDATE "ApiToken" SET "lastUsedAt" = now() WHERE id IN (SELECT "tokenId" FROM found WHERE stale)
           )
           SELECT id, email, name, role, scopes FROM found`,
    values: [hashToken(token)],
  });
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, scopes: row.scopes };
}

async function revokeApiToken(db: Db, user: SessionUser, id: string): Promise<void> {
  const { count } = await db.apiToken.updateMany({
    where: { id, userId: user.id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError("not_found", "That token was not found.");
}

/** What the account page and GET /api/tokens show of a token: never its hash. */
const TOKEN_FIELDS = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  lastUsedAt: true,
  revokedAt: true,
  expiresAt: true,
  createdAt: true,
} as const;

/** The user's own tokens, newest first. */
export async function listApiTokens(db: Db, userId: string) {
  return db.apiToken.findMany({ where: { userId }, select: TOKEN_FIELDS, orderBy: { createdAt: "desc" } });
}

/** Creates a token for the signed-in user (audited). The plain token is returned here only; the database keeps its sha256. */
export async function issueApiToken(db: Db, user: SessionUser, input: { name: string; scopes: readonly string[]; expiresInDays?: number }) {
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : undefined;
  const { id, token } = await createApiToken(db, user, { name: input.name, scopes: input.scopes, expiresAt });
  await audit(db, user.id, "token.create", { type: "api_token", id }, { name: input.name, scopes: [...input.scopes] });
  const apiToken = await db.apiToken.findUniqueOrThrow({ where: { id }, select: TOKEN_FIELDS });
  return { token, apiToken };
}

/** Revokes one of the user's own tokens (audited); someone else's reads as not found. */
export async function revokeOwnApiToken(db: Db, user: SessionUser, id: string): Promise<void> {
  await revokeApiToken(db, user, id);
  await audit(db, user.id, "token.revoke", { type: "api_token", id });
}
