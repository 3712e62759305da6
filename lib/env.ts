// The environment, read once through a zod schema, with one clear sentence for what is wrong.
import { z } from "zod";
import { parseTrustProxy } from "./auth/client-ip";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().min(1, "DATABASE_URL is not set: npm start sets it for the embedded database"),
  NEXTAUTH_SECRET: z.string().min(16, "NEXTAUTH_SECRET must be at least 16 characters").optional(),
  /** Your reverse proxies: a number of hops or a list of addresses (lib/auth/client-ip.ts). */
  TRUST_PROXY: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        parseTrustProxy(v);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^TRUST_PROXY /, "").replace(/\.$/, "") });
      }
    }),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Configuration error: ${issue.path.join(".")}: ${issue.message}.`);
  }
  cached = parsed.data;
  return cached;
}

/**
 * NEXTAUTH_SECRET, for the web server's own use (sessions, export pseudonyms, run secrets). Child
 * processes do not get it (lib/child-env.ts), so it is checked where it is used, not in env():
 * required in production, a fixed development value otherwise.
 */
export function serverSecret(): string {
  const { NEXTAUTH_SECRET, NODE_ENV } = env();
  if (NEXTAUTH_SECRET) return NEXTAUTH_SECRET;
  if (NODE_ENV === "production") throw new Error("Configuration error: NEXTAUTH_SECRET is required in production.");
  return "rlhf-studio-development-secret";
}
