// What a personal API token request may hold (POST /api/tokens and the account page form).
import { z } from "zod";
import { SCOPE_NAMES } from "../auth/scopes";

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100),
  /** What the token may be used for (lib/auth/scopes); the owner's role must be able to grant each. */
  scopes: z
    .array(z.enum(SCOPE_NAMES))
    .min(1, "pick at least one scope")
    .max(SCOPE_NAMES.length)
    .transform((s) => [...new Set(s)]),
  /** Leave out for a token that does not expire. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
