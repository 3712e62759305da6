// The environment, in one table: every variable the app's processes read, its zod schema (with the
// default), which processes read it, and one line of doc. Code reads a variable through
// envVar(name), typed by its schema; a bad value is one sentence naming the variable. Nothing is
// cached (tests and scripts/start.ts set variables as they go); a read parses one variable.
// Each process checks its own variables when it starts (checkEnv), so a typo fails at once, not at
// the first request. The README's Configuration table is checked against this one
// (tests/setup/env-table.test.ts). The engine (ml/) reads its own few knobs: ML_ENV below.
import { z } from "zod";
import { parseTrustProxy } from "./http/trust-proxy";

export type Proc = "start" | "web" | "worker" | "inference";

const positive = (what: string) => z.coerce.number({ error: `must be ${what}` }).positive(`must be ${what}`);
const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `must be ${what}` })
    .int(`must be ${what}`)
    .positive(`must be ${what}`);
const flag01 = z.enum(["0", "1"], { error: 'must be "0" or "1"' });
const url = z.url({ error: "must be a URL" });

interface Var<S extends z.ZodType> {
  schema: S;
  for: readonly Proc[];
  doc: string;
}
const v = <S extends z.ZodType>(schema: S, procs: readonly Proc[], doc: string): Var<S> => ({ schema, for: procs, doc });
const ALL: readonly Proc[] = ["start", "web", "worker", "inference"];

export const ENV = {
  NODE_ENV: v(z.enum(["development", "production", "test"]).default("development"), ALL, "set by Next.js and npm start"),
  DATABASE_URL: v(
    z.string().min(1, "is not set: npm start sets it for the embedded database").optional(),
    ALL,
    "a PostgreSQL server; unset: the embedded database",
  ),
  DATABASE_POOL_SIZE: v(positiveInt("a whole number of connections").default(10), ALL, "connections per process"),
  DATA_DIR: v(z.string().min(1).default(".data"), ALL, "the embedded database, its password and the session secret"),
  STORAGE_DIR: v(z.string().min(1).optional(), ALL, "exports and checkpoints (default DATA_DIR/storage)"),
  NEXTAUTH_SECRET: v(z.string().min(16, "must be at least 16 characters").optional(), ["start", "web"], "signs sessions"),
  NEXTAUTH_URL: v(url.optional(), ["start", "web"], "the app's public URL"),
  PORT: v(positiveInt("a port number").default(3000), ["start", "web"], "where the app listens"),
  HOST: v(z.string().min(1).default("127.0.0.1"), ["start", "web"], "the address the app listens on"),
  // An address whose host may have no dot: the default first admin is admin@localhost (lib/bootstrap.ts).
  ADMIN_EMAIL: v(
    z
      .string()
      .regex(/^[^\s@]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/, { error: "must be an email address" })
      .optional(),
    ["start"],
    "the first admin",
  ),
  ADMIN_PASSWORD: v(z.string().min(1).optional(), ["start"], "the first admin's password"),
  SEED_DEMO: v(flag01.default("1"), ["start"], "0 skips the demo project"),
  WORKERS: v(
    z.coerce
      .number({ error: "must be a whole number of worker processes (0 for none)" })
      .int("must be a whole number of worker processes (0 for none)")
      .min(0, "must be a whole number of worker processes (0 for none)")
      .default(1),
    ["start"],
    "worker processes npm start runs",
  ),
  ML_DEVICE: v(z.string().min(1).default("cpu"), ["worker", "inference"], "where runs and the inference server compute"),
  EXPORT_CONCURRENCY: v(positiveInt("a whole number of exports").default(2), ["web"], "dataset exports at once"),
  MODEL_IMPORT_DIR: v(z.string().min(1).optional(), ["web"], "the folder models are imported from by path (default DATA_DIR/imports)"),
  HUB_PUSH: v(flag01.default("0"), ["web"], "1 lets admins push exports and checkpoints to the Hugging Face Hub (off by default)"),
  HUB_URL: v(url.default("https://huggingface.co"), ["web"], "the Hugging Face Hub that pushes go to"),
  MODEL_UPLOAD_MAX_BYTES: v(positive("a number of bytes").default(4 * 1024 ** 3), ["web"], "the most one uploaded model folder may hold"),
  RUN_MEMORY_BYTES: v(positive("a number of bytes").optional(), ["web"], "the memory a run's estimate is checked against (default: this machine's)"),
  PASSWORD_HASH_LOG2N: v(
    z.coerce
      .number({ error: "must be a whole number from 15 to 20" })
      .int("must be a whole number from 15 to 20")
      .min(15, "must be a whole number from 15 to 20")
      .max(20, "must be a whole number from 15 to 20")
      .default(17),
    ["start", "web"],
    "scrypt cost of new password hashes",
  ),
  DIRECT_ROUTES: v(flag01.default("1"), ["web"], "0 sends the labeler's hot routes through Next.js too (lib/http/direct.ts)"),
  SECURE_COOKIES: v(
    z.enum(["0", "1", "true", "false"], { error: 'must be "1" or "0"' }).optional(),
    ["web"],
    "Secure sign-in cookies: always (1), never (0), or by request (unset)",
  ),
  TRUST_PROXY: v(
    z
      .string()
      .optional()
      .superRefine((raw, ctx) => {
        try {
          parseTrustProxy(raw);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^TRUST_PROXY /, "").replace(/\.$/, "") });
        }
      }),
    ["web"],
    "reverse proxies whose X-Forwarded-For is believed",
  ),
  RUN_SECRETS_KEY: v(z.string().min(1).optional(), ["worker"], "decrypts run secrets (npm start derives it from NEXTAUTH_SECRET)"),
  RUN_HEARTBEAT_MS: v(positive("a number of milliseconds").default(2000), ["worker"], "worker heartbeat period"),
  RUN_STALE_MS: v(positive("a number of milliseconds").default(60_000), ["start", "worker", "web"], "a run whose heartbeat is older belongs to a dead worker"),
  WORKER_POLL_MS: v(positive("a number of milliseconds").default(1000), ["worker"], "how often an idle worker looks for a run"),
  WORKER_PROJECT_ID: v(z.string().min(1).optional(), ["worker"], "dedicates a worker to one project's runs"),
  INFERENCE_PORT: v(positiveInt("a port number").optional(), ["start"], "the inference server's port (default PORT + 1)"),
  INFERENCE_URL: v(url.optional(), ["web", "inference"], "where the inference server listens"),
  INFERENCE_SECRET: v(z.string().min(1).optional(), ["web", "inference"], "shared by the web server and the inference server"),
  INFERENCE_MODELS: v(positiveInt("a whole number of models").default(4), ["inference"], "checkpoints the inference server keeps loaded"),
  INFERENCE_THREADS: v(positiveInt("a whole number of threads").default(2), ["inference"], "the inference server's threads"),
  GLIBC_TUNABLES: v(z.string().optional(), ["start"], "glibc's tunables for the children (default: huge pages for large allocations)"),
  INFERENCE_DEVICE: v(z.string().min(1).optional(), ["inference"], "the inference server's device (default ML_DEVICE)"),
} as const;

/** The engine's own knobs (ml/ never imports lib/, so it reads these itself); listed here so the table is whole. */
export const ML_ENV = {
  ORT_NODE_DIR: "the onnxruntime-node folder the engine loads (empty: the CPU-only dependency)",
  CUDA_VISIBLE_DEVICES: "the GPUs the engine may use",
  ML_CUDA_STANDIN: "tests only: a CUDA device runs on the CPU",
  ML_SESSION_TRACE: "tests only: a file each session's options are appended to",
  ML_ORT_VERBOSE: "1: onnxruntime's verbose log",
  RLHF_FAILPOINT: "tests only: pause a checkpoint write at a named point",
} as const;

export type EnvName = keyof typeof ENV;
export type EnvValue<K extends EnvName> = z.output<(typeof ENV)[K]["schema"]>;

/** One variable, parsed by its schema (its default when unset or empty); a bad value is one sentence. */
export function envVar<K extends EnvName>(name: K, from: Record<string, string | undefined> = process.env): EnvValue<K> {
  const raw = from[name];
  const parsed = ENV[name].schema.safeParse(raw === "" ? undefined : raw);
  if (!parsed.success)
    throw new Error(
      `Configuration error: ${name} ${parsed.error.issues[0]!.message}${raw === undefined ? "" : `, not "${name.endsWith("SECRET") || name.endsWith("PASSWORD") || name.endsWith("KEY") ? "…" : raw}"`}.`,
    );
  return parsed.data as EnvValue<K>;
}

/** Checks every variable this process reads; the first bad one is one sentence (each process calls it at start). */
export function checkEnv(proc: Proc, from: Record<string, string | undefined> = process.env): void {
  for (const name of Object.keys(ENV) as EnvName[]) if (ENV[name].for.includes(proc)) envVar(name, from);
}

/** DATABASE_URL, which every process but npm start's first moments needs. */
export function databaseUrl(): string {
  const url = envVar("DATABASE_URL");
  if (!url) throw new Error("Configuration error: DATABASE_URL is not set: npm start sets it for the embedded database.");
  return url;
}

/**
 * NEXTAUTH_SECRET, for the web server's own use (sessions, export pseudonyms, run secrets). Child
 * processes do not get it (lib/child-env.ts), so it is checked where it is used, not by checkEnv:
 * required in production, a fixed development value otherwise.
 */
export function serverSecret(): string {
  const secret = envVar("NEXTAUTH_SECRET");
  if (secret) return secret;
  if (envVar("NODE_ENV") === "production") throw new Error("Configuration error: NEXTAUTH_SECRET is required in production.");
  return "rlhf-studio-development-secret";
}
