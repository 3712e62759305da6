// The embedded PostgreSQL: PGlite (WASM PostgreSQL) served over the wire protocol (wire-server.ts),
// so the app keeps one code path (pg + @prisma/adapter-pg on DATABASE_URL).
// PGlite has no lock on its data folder, so this module takes one: exactly one process owns it.
// Clients authenticate with a password generated once and kept beside the data (`db-password`,
// mode 0600, next to the `pg` folder); in memory, a fresh one per start.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
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
 * file cache (not the process's memory), but each read is a call out of WASM into Node's fs: the
 * reward-model export's query over 1,000,000 pairs, whose index lookups land all over its tables,
 * took 7.0 s of CPU at 32 MB, 6.0 at 64, 5.2-5.5 at 96 and 4.7-5.1 at 128 (PGlite in-process, same
 * data). Kept at 32 MB: the whole app at rest with 1,000,000 comparisons is 925 MB (README).
 */
export const EMBEDDED_SHARED_BUFFERS = "32MB";

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
    const options = { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] };
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
