// The signed-in user's personal API tokens. Session only: a token cannot mint or list tokens.
import { issueApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { db } from "@/lib/db";
import { route } from "@/lib/http/handler";
import { createTokenInput } from "@/lib/validation/token";

export const GET = route({ permission: "tokens.manage_own" }, async ({ user }) => ({ tokens: await listApiTokens(db, user.id) }));

// The plain token is in this response only; the database keeps its sha256.
export const POST = route({ permission: "tokens.manage_own", body: createTokenInput, maxBytes: 10_000 }, async ({ user, body }) =>
  issueApiToken(db, user, body),
);
