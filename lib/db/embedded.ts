// The embedded PostgreSQL: PGlite (WASM PostgreSQL) served over the wire protocol (wire-server.ts),
// so the app keeps one code path (pg + @prisma/adapter-pg on DATABASE_URL).
// PGlite has no lock on its data folder, so this module takes one: exactly one process owns it.
// Clients authenticate with a password generated once and kept beside the data (`db-password`,
// mode 0600, next to the `pg` folder); in memory, a fresh one per start.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { childEnv } from "../child-env";
import { WireServer } from "./wire-server";

export type EmbeddedPostgres = {
  /** The connection URL, password included: a secret, never to be logged. */
  url: string;
  port: number;
  /** Where the password is kept (undefined in memory). */
  passwordFile?: string;
  stop: () => Promise<void>;
};

export class DataDirInUseError extends Error {}

/**
 * PGlite's buffer pool. Its default, PostgreSQL's 128 MB, is resident from the start (WASM memory,
 * zeroed when the pool is set up) and never given back: 295 MB RSS for a reopened database against
 * 195 MB at 32 MB. A page it misses is read from the data folder through the operating system's
 * file cache (not the process's memory), but each read is a call out of WASM into Node's fs (and
 * the reward-model export's query over 1,000,000 pairs misses ~237,000 times at 32 MB). The
 * database process serving that export, the same hour, two exports each: 32 MB: 216 MB at rest,
 * 255-270 MB peak, 6.3-7.6 s of CPU; 64 MB: 252-256, 290, 5.8-6.4 s; 96 MB: 267-286, 324-328,
 * 5.6-6.5 s. 64 MB: most of the CPU for half the memory, now that the whole app at rest with
 * 1,000,000 comparisons is ~530 MB (README).
 */
export const EMBEDDED_SHARED_BUFFERS = "64MB";

/** PGlite's start parameters: PostgreSQL's defaults with the buffer pool above. */
const startParams = () => [...PGlite.defaultStartParams, "-c", `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`];

/**
 * Creates the database cluster (PostgreSQL's initdb) in `dataDir` when it holds none, in a process
 * of its own that exits. PGlite's initdb grows the WebAssembly memory of the process running it to
 * ~660 MB, which WebAssembly never gives back: npm start's first start sat at 736 MB for the rest
 * of its life, against 180 MB for the same folder opened afterwards. The cluster is made beside the
 * folder and renamed into place, so an initdb cut short leaves no half-made database behind.
 */
async function initDataDir(dataDir: string): Promise<void> {
  if (fs.existsSync(path.join(dataDir, "PG_VERSION"))) return;
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} holds files but no database (it has no PG_VERSION): move them away, or set DATA_DIR to another folder.`);
  }
  const tmp = `${dataDir}.init-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite"); // its CommonJS build: the script below is one
  const script = `require(process.argv[1]).PGlite.create(process.argv[2], { startParams: JSON.parse(process.argv[3]) })
    .then((db) => db.close())
    .catch((e) => { console.error(e.message); process.exit(1); });`;
  const child = spawn(process.execPath, ["-e", script, pglite, tmp, JSON.stringify(startParams())], {
    stdio: ["ignore", "ignore", "pipe"],
    env: childEnv(), // an allow-list, as every child gets (lib/child-env.ts)
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0 || !fs.existsSync(path.join(tmp, "PG_VERSION"))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`Creating the embedded database in ${dataDir} failed (exit ${code})${stderr.trim() ? `: ${stderr.trim().split("\n").at(-1)}` : ""}`);
  }
  if (fs.existsSync(dataDir)) fs.rmdirSync(dataDir); // empty (checked above)
  fs.renameSync(tmp, dataDir);
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes `<dataDir>.lock` for this process; throws DataDirInUseError if a live process holds it. */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(fs.readFileSync(lockPath, "utf8"));
      if (owner && owner !== process.pid && pidAlive(owner)) {
        throw new DataDirInUseError(
          `The embedded database in ${dataDir} is already in use by process ${owner}. ` +
            `Stop that RLHF Studio first, or set DATABASE_URL to use a PostgreSQL server.`,
        );
      }
      fs.unlinkSync(lockPath); // stale lock from a process that died
    }
  }
  throw new DataDirInUseError(`Could not lock ${dataDir}.`);
}

/** The password in `file`, created (random, mode 0600, written under a temporary name) when missing. */
function databasePassword(file: string): string {
  try {
    const password = fs.readFileSync(file, "utf8").trim();
    if (password) {
      if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
      return password;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const password = crypto.randomBytes(24).toString("base64url");
  const tmp = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(tmp, password, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return password;
}

/**
 * Starts PGlite on `dataDir` (or in memory when dataDir is undefined) and serves it on
 * 127.0.0.1:port (a free port when not given).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir?: string;
  port?: number;
  maxConnections?: number;
  /** Where the password is kept (default: `db-password` beside dataDir; in memory without dataDir). */
  passwordFile?: string;
}): Promise<EmbeddedPostgres> {
  let unlock = () => {};
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true }); // PGlite does not create parents
    unlock = lockDataDir(opts.dataDir);
  }
  try {
    const options = { startParams: startParams() };
    if (opts.dataDir) await initDataDir(opts.dataDir);
    const db = opts.dataDir ? await PGlite.create(opts.dataDir, options) : await PGlite.create(options);
    const passwordFile = opts.passwordFile ?? (opts.dataDir ? path.join(path.dirname(opts.dataDir), "db-password") : undefined);
    const password = passwordFile ? databasePassword(passwordFile) : crypto.randomBytes(24).toString("base64url");
    const server = new WireServer(db, { password, maxConnections: opts.maxConnections ?? 64 });
    const port = await server.listen(opts.port ?? 0);
    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
    return {
      url,
      port,
      passwordFile,
      stop: async () => {
        await server.close();
        await db.close();
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}
