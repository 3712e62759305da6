// The signed-in user's personal API tokens. Session only: a token cannot mint or list tokens.
import { audit } from "@/lib/audit";
import { createApiToken } from "@/lib/auth/api-tokens";
import { db } from "@/lib/db";
import { readJson, route } from "@/lib/http/handler";
import { createTokenInput } from "@/lib/validation/token";

/** Never selects tokenHash. */
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

export const GET = route({ permission: "tokens.manage_own" }, async ({ user }) => ({
  tokens: await db.apiToken.findMany({ where: { userId: user.id }, select: TOKEN_FIELDS, orderBy: { createdAt: "desc" } }),
}));

// The plain token is in this response only; the database keeps its sha256.
export const POST = route({ permission: "tokens.manage_own" }, async ({ req, user }) => {
  const input = await readJson(req, createTokenInput, 10_000);
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : undefined;
  const { id, token } = await createApiToken(db, user, { name: input.name, scopes: input.scopes, expiresAt });
  await audit(db, user.id, "token.create", { type: "api_token", id }, { name: input.name, scopes: input.scopes });
  const row = await db.apiToken.findUniqueOrThrow({ where: { id }, select: TOKEN_FIELDS });
  return { token, apiToken: row };
});
