// Runs the built app (scripts/web-server.ts, as `npm start` does) against the test database, for browser tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../../lib/db/embedded";
import { appScript } from "./app-scripts";

const root = path.resolve(import.meta.dirname, "../..");

export type AppServer = {
  url: string;
  stop: () => Promise<void>;
  logs: () => string;
  /**
   * Starts a training worker (scripts/worker.ts) beside the server, with the server's environment
   * plus `env` — pass WORKER_PROJECT_ID so it takes only this test's runs from the shared database.
   */
  startWorker: (env?: Record<string, string>) => void;
};

export function ensureBuilt() {
  if (fs.existsSync(path.join(root, ".next/BUILD_ID"))) return;
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error("next build failed");
}

/** `worker: true` starts a training worker with the server; without it, call `startWorker()` when wanted. */
export async function startApp(extraEnv: Record<string, string> = {}, opts: { worker?: boolean } = {}): Promise<AppServer> {
  ensureBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    NEXTAUTH_SECRET: "test-secret-test-secret-test-secret",
    NEXTAUTH_URL: url,
    NEXT_TELEMETRY_DISABLED: "1",
    ...extraEnv,
  };
  // As npm start serves it: scripts/web-server.ts stamps each request with its socket's address.
  const child: ChildProcess = spawn(process.execPath, appScript("scripts/web-server.ts"), {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web server exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/signin`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`the web server did not answer in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // Training workers run as `npm start` runs them: bundled, with the react-server condition.
  const workers: ChildProcess[] = [];
  const startWorker = (workerEnv: Record<string, string> = {}) => {
    const w = spawn(process.execPath, appScript("scripts/worker.ts"), {
      cwd: root,
      env: { ...env, WORKER_POLL_MS: extraEnv.WORKER_POLL_MS ?? process.env.WORKER_POLL_MS ?? "300", ...workerEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    w.stdout!.on("data", (d) => (output += d));
    w.stderr!.on("data", (d) => (output += d));
    workers.push(w);
  };
  if (opts.worker) startWorker();
  const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once("exit", r)));
  return {
    url,
    logs: () => output,
    startWorker,
    stop: async () => {
      for (const c of [...workers, child]) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
      await Promise.all([...workers, child].map(exited));
    },
  };
}
