// What a personal API token request may hold (POST /api/tokens and the account page form).
import { z } from "zod";
import { PERMISSIONS } from "../auth/permissions";

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100),
  /** Permissions the token may use; each must be one the owner's role has. */
  scopes: z
    .array(z.enum(PERMISSIONS))
    .min(1, "pick at least one scope")
    .max(PERMISSIONS.length)
    .transform((s) => [...new Set(s)]),
  /** Leave out for a token that does not expire. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export type CreateTokenInput = z.infer<typeof createTokenInput>;
export type CreateTokenRequest = z.input<typeof createTokenInput>;
