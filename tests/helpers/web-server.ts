// One web server process (`next start` of the built app) on a fixed port, that a fault test can
// kill with SIGKILL and start again on the same port, as a supervisor would. The server runs in
// its own process group, so the kill reaches every process `next start` made.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ensureBuilt } from "./app-server";
import { appScript } from "./app-scripts";

const root = path.resolve(import.meta.dirname, "../..");

// Detached servers outlive a test process that dies: kill what is still running when it exits.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) {
    try {
      process.kill(-c.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }
});

export type WebServer = {
  url: string;
  /** Starts the server; resolves once it answers (seconds it took). */
  start: () => Promise<number>;
  /** SIGKILL to the whole process group: no shutdown handler runs. */
  kill: () => Promise<void>;
  /** SIGTERM, for the end of a test. */
  stop: () => Promise<void>;
  logs: () => string;
};

export function webServer(port: number, env: Record<string, string>): WebServer {
  ensureBuilt();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = "";
  const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once("exit", () => r())));
  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    try {
      process.kill(-c.pid!, sig);
    } catch {
      /* already gone */
    }
    await exited(c);
    child = null;
  };
  return {
    url,
    logs: () => output,
    async start() {
      const t0 = performance.now();
      // as npm start serves it: scripts/web-server.ts stamps each request with its socket's address,
      // which the sign-in throttle reads (behind plain `next start` every client is "unknown")
      const c = spawn(process.execPath, appScript("scripts/web-server.ts"), {
        cwd: root,
        detached: true, // its own process group, so kill() reaches the whole tree
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXTAUTH_SECRET: "fault-secret-fault-secret-fault-secret",
          NEXTAUTH_URL: url,
          NEXT_TELEMETRY_DISABLED: "1",
          PORT: String(port),
          HOST: "127.0.0.1",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = c;
      live.add(c);
      c.once("exit", () => live.delete(c));
      c.stdout!.on("data", (d) => (output += d));
      c.stderr!.on("data", (d) => (output += d));
      const deadline = Date.now() + 90_000;
      for (;;) {
        if (c.exitCode !== null || c.signalCode !== null) throw new Error(`the web server on port ${port} exited early:\n${output.slice(-4000)}`);
        try {
          if ((await fetch(`${url}/signin`)).ok) return (performance.now() - t0) / 1000;
        } catch {
          /* not up yet */
        }
        if (Date.now() > deadline) throw new Error(`next start on port ${port} did not answer in 90 s:\n${output.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill: () => signal("SIGKILL"),
    stop: () => signal("SIGTERM"),
  };
}
