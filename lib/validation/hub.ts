// What the Hub settings and pushes may send: one schema for the routes and the forms.
import { z } from "zod";

/** PUT /api/settings/hub: the access token an admin stores (write access to the repositories pushed to). */
export const hubTokenInput = z.strictObject({
  token: z
    .string()
    .trim()
    .max(1000, "must be at most 1000 characters")
    .regex(/^hf_[\x21-\x7e]{5,}$/, "must be a Hugging Face access token: one word starting with hf_"),
});

/** A repository on the Hub: "namespace/name" (a user or an organization, then the repository). */
const hubRepoName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/, "must be namespace/name, e.g. my-org/helpful-rankings")
  .refine((s) => !s.includes("..") && !s.endsWith(".git"), "must be namespace/name without .. or a .git ending");

/** POST /api/exports/{id}/hub and /api/models/{id}/hub. */
export const hubPushInput = z.strictObject({
  repo: hubRepoName,
  /** A repository the push creates is private unless this says otherwise (an existing one keeps its visibility). */
  private: z.boolean().default(true),
});

export type HubTokenInput = z.infer<typeof hubTokenInput>;
export type HubPushInput = z.infer<typeof hubPushInput>;
