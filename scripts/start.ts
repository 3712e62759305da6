// npm start: builds if needed, starts the embedded PostgreSQL when DATABASE_URL is unset,
// applies migrations, creates the first admin and the demo project, then serves the app.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ensureAdmin } from "../lib/bootstrap";
import { assertReachable } from "../lib/db/check";
import { DataDirInUseError, startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { nodeEntry } from "../lib/child-bundle.mjs";
import { childEnv as allowListed } from "../lib/child-env";
import { runSecretsKey } from "../lib/runs/secrets";
import { FINGERPRINT_FILE, sourceFingerprint } from "./build-fingerprint";
import { checkEnv, envVar } from "../lib/env";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
const t0 = Date.now();
const say = (msg: string) => console.log(`[rlhf-studio] ${msg}`);
const fail = (msg: string): never => {
  console.error(`[rlhf-studio] ${msg}`);
  process.exit(1);
};

// 1. Configuration that can be checked before anything starts: every variable npm start and the web
// server read (lib/env.ts), each a sentence when wrong.
try {
  checkEnv("start");
  checkEnv("web");
} catch (e) {
  fail((e as Error).message);
}
const port = envVar("PORT");
const host = envVar("HOST");
const dataDir = path.resolve(envVar("DATA_DIR"));
const workers = envVar("WORKERS");
let embedded: EmbeddedPostgres | undefined;
if (envVar("DATABASE_URL") && !envVar("NEXTAUTH_SECRET"))
  fail("NEXTAUTH_SECRET is not set. Set it to a long random string (e.g. openssl rand -base64 32) when using DATABASE_URL.");

// The processes this one starts, as plain JavaScript (lib/child-bundle.mjs: no TypeScript loader in
// them, ~50 MB each), bundled now while the database starts (rebuilt only when a source changed).
const entries = Promise.all(["scripts/bootstrap.ts", "scripts/web-server.ts", "scripts/worker.ts", "scripts/inference.ts"].map((s) => nodeEntry(root, s)));

// 2. The database: a server from DATABASE_URL, or the embedded one under .data/.
let databaseUrl = envVar("DATABASE_URL");
if (!databaseUrl) {
  try {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), maxConnections: 64 });
  } catch (e) {
    if (e instanceof DataDirInUseError) fail(e.message);
    throw e;
  }
  databaseUrl = embedded.url;
  say(`embedded PostgreSQL (PGlite) on ${path.relative(root, dataDir) || "."}/pg, port ${embedded.port}`);
} else {
  await assertReachable(databaseUrl);
}

// 3. The session secret: required for a server deployment; generated once for the embedded one.
let secret = envVar("NEXTAUTH_SECRET");
if (!secret) {
  const file = path.join(dataDir, "nextauth-secret");
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 });
    say(`generated a session secret in ${path.relative(root, file)} (set NEXTAUTH_SECRET to choose your own)`);
  }
  secret = fs.readFileSync(file, "utf8").trim();
}
process.env.DATABASE_URL = databaseUrl;

// 3b. Build when .next is missing or older than the sources.
const fingerprint = sourceFingerprint(root);
const built = fs.existsSync(".next/BUILD_ID") && fs.existsSync(FINGERPRINT_FILE) && fs.readFileSync(FINGERPRINT_FILE, "utf8") === fingerprint;
if (!built) {
  say("building the app (first start, or the sources changed)...");
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0) fail("next build failed; see the messages above.");
  fs.writeFileSync(FINGERPRINT_FILE, fingerprint);
}

// 4. Migrations; then the first admin, the demo project and the runs whose worker died, in a process
// of its own (scripts/bootstrap.ts): this one lives as long as the app and never loads the ORM.
await migrate(databaseUrl, { log: say });
const [bootstrapEntry, webEntry, workerEntry, inferenceEntry] = await entries;
const admin = await bootstrap();
// Unfinished export folders (".<id>.partial") that a crash left behind: swept now and every 30 min.
const { sweepPartialExports } = await import("../lib/exports/housekeeping");
const swept = await sweepPartialExports();
if (swept.length) say(`removed ${swept.length} unfinished export folder(s) left behind by a crash`);
setInterval(() => void sweepPartialExports().catch(() => {}), 30 * 60_000).unref();

/** Runs scripts/bootstrap.ts (asynchronously: it talks to the embedded database this process serves) and returns its last line. */
async function bootstrap(): Promise<Awaited<ReturnType<typeof ensureAdmin>>> {
  const { ADMIN_EMAIL, ADMIN_PASSWORD, SEED_DEMO } = process.env;
  const env = allowListed({ DATABASE_URL: databaseUrl, ADMIN_EMAIL, ADMIN_PASSWORD, SEED_DEMO });
  const child = spawn(process.execPath, ["--conditions=react-server", ...bootstrapEntry], {
    stdio: ["ignore", "pipe", "inherit"],
    env,
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const lines = out.trimEnd().split("\n");
  // its last line is the sign-in only when it finished; otherwise every line is news
  const last = code === 0 ? (lines.pop() ?? "") : "";
  for (const line of lines) console.log(line);
  if (code !== 0) fail(`setting up the database failed (exit ${code}); see the messages above.`);
  return JSON.parse(last) as Awaited<ReturnType<typeof ensureAdmin>>;
}

// 5. Serve.
const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  NEXTAUTH_SECRET: secret,
  NEXTAUTH_URL: envVar("NEXTAUTH_URL") ?? url,
  NODE_ENV: "production" as const,
  NEXT_TELEMETRY_DISABLED: "1",
  // glibc backs large allocations with transparent huge pages: onnxruntime-node copies every run's
  // outputs (a training step's whole updated state) into fresh buffers, and 2 MB pages cut the
  // page faults of those copies about fivefold (glibc >= 2.35; older ones ignore it).
  GLIBC_TUNABLES: envVar("GLIBC_TUNABLES") ?? "glibc.malloc.hugetlb=1",
};
// 4b. The inference server (playground, scoring): a separate process so generation never runs on the
// web server's event loop; the web server reaches it on loopback with a per-start secret.
const inferencePort = envVar("INFERENCE_PORT") ?? port + 1;
childEnv.INFERENCE_URL ??= `http://127.0.0.1:${inferencePort}`;
childEnv.INFERENCE_SECRET ??= crypto.randomBytes(24).toString("base64url");
childEnv.INFERENCE_PORT ??= String(new URL(childEnv.INFERENCE_URL).port || inferencePort);
const children: ChildProcess[] = [];
// scripts/web-server.ts rather than `next start`: it stamps each request with its socket's address
// (sign-in throttling must not trust a client's X-Forwarded-For).
const web = spawn(process.execPath, ["--conditions=react-server", ...webEntry], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...childEnv, PORT: String(port), HOST: host },
});
children.push(web);
let announced = false;
web.stdout!.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (!announced && /Ready in|Ready on|started server|Local:/i.test(chunk.toString())) {
    announced = true;
    say(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${url}`);
    if (admin.generatedPassword) {
      say(`sign in as ${admin.email} with password ${admin.generatedPassword}`);
      say("(shown once: change it under Account after signing in)");
    } else if (admin.created) say(`sign in as ${admin.email} with ADMIN_PASSWORD`);
  }
});

let stopping = false;

// 6. Training workers (WORKERS=n, default 1; 0: none, e.g. when workers run on other machines) and
// the inference server. Each is a process of its own, on its bundle; one that exits is started again.
// Their environment is an allow-list (lib/child-env.ts): the web server's NEXTAUTH_SECRET stays with
// it; a worker gets only the key derived from it that decrypts run secrets, the inference server
// only its own shared secret.
function keepRunning(name: string, entry: string[], env: NodeJS.ProcessEnv) {
  const startOne = () => {
    const child = spawn(process.execPath, ["--conditions=react-server", ...entry], { stdio: ["ignore", "inherit", "inherit"], env });
    children.push(child);
    child.on("exit", (code, signal) => {
      children.splice(children.indexOf(child), 1);
      if (stopping) return;
      console.error(`[rlhf-studio] ${name} exited (${signal ?? `code ${code}`}); starting it again in 5 s`);
      setTimeout(() => !stopping && startOne(), 5000);
    });
  };
  startOne();
}
const workerEnv = allowListed({ RUN_SECRETS_KEY: runSecretsKey(secret) }, childEnv);
const inferenceEnv = allowListed({ INFERENCE_SECRET: childEnv.INFERENCE_SECRET }, childEnv);
for (let i = 0; i < workers; i++) keepRunning(`training worker ${i + 1}`, workerEntry, workerEnv);
if (workers) say(`${workers} training worker${workers > 1 ? "s" : ""} started (npm run worker starts more, here or on other machines)`);
keepRunning("inference server", inferenceEntry, inferenceEnv);

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  await embedded?.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
web.on("exit", (code) => {
  if (!stopping) {
    console.error(`[rlhf-studio] the web server exited with code ${code}`);
    void shutdown(code ?? 1);
  }
});
