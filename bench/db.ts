// A throwaway database for a benchmark: a fresh database on the DATABASE_URL server (dropped
// afterwards), or an embedded PGlite: in this process and in memory, or (`ownProcess`) as the app
// runs it, in a process of its own (scripts/embedded-db.ts, as npm start hosts it beside the web
// server) with its data in a folder on disk. Migrations applied.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort, startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";

export type BenchDb = {
  url: string;
  engine: "postgresql" | "pglite";
  drop: () => Promise<void>;
  /** `ownProcess` only: the database process's pid now, and a restart on the same data (a new pid). */
  pid?: () => number;
  restart?: () => Promise<void>;
  /** `ownProcess` only: the DATA_DIR it runs on (`npm start` can be pointed at it). */
  dataDir?: string;
  /** Stops the database process (if any) and keeps the data. */
  stop?: () => Promise<void>;
};

/** scripts/embedded-db.ts on `dataDir` (bundled, as npm start's database process runs), resolved once it listens. */
async function serveEmbedded(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["scripts/run.mjs", "scripts/embedded-db.ts"], {
    env: { ...withoutDatabaseUrl(process.env), DATA_DIR: dataDir, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("listening")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the embedded database process exited (${code}): ${out}`)));
  });
  return child;
}

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _, ...rest } = env;
  return rest;
}

async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

export async function benchDatabase(name: string, opts: { ownProcess?: boolean } = {}): Promise<BenchDb> {
  const server = process.env.DATABASE_URL;
  if (!server && opts.ownProcess) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-db-`));
    const port = await freePort();
    let child = await serveEmbedded(dataDir, port);
    const password = fs.readFileSync(path.join(dataDir, "db-password"), "utf8").trim();
    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
    await migrate(url, { log: () => {} });
    return {
      url,
      engine: "pglite",
      pid: () => child.pid!,
      dataDir,
      stop: () => stopProcess(child),
      restart: async () => {
        await stopProcess(child);
        child = await serveEmbedded(dataDir, port);
      },
      drop: async () => {
        await stopProcess(child);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (!server) {
    const embedded = await startEmbeddedPostgres({});
    await migrate(embedded.url, { log: () => {} });
    return { url: embedded.url, engine: "pglite", drop: embedded.stop };
  }
  const dbName = `bench_${name}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${dbName}`;
  await migrate(url.toString(), { log: () => {} });
  return {
    url: url.toString(),
    engine: "postgresql",
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
