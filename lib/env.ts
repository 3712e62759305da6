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
  if (parsed.data.NODE_ENV === "production" && !parsed.data.NEXTAUTH_SECRET) {
    throw new Error("Configuration error: NEXTAUTH_SECRET is required in production.");
  }
  cached = parsed.data;
  return cached;
}
