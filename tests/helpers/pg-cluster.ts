// A private PostgreSQL cluster for fault tests: initdb into a temporary folder, served on its own
// port, so restarting it disturbs nobody else on the machine (a shared server's restart would cut
// every other test's connections). Needs the PostgreSQL server binaries (Debian's
// /usr/lib/postgresql/<v>/bin); as root it runs them as the `postgres` user (initdb refuses root).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type PgCluster = {
  /** postgresql://postgres@127.0.0.1:PORT/postgres (trust authentication, loopback only). */
  url: string;
  port: number;
  /** `pg_ctl restart -m fast`: every connection is cut; resolves once the server accepts again. */
  restart: () => void;
  stop: () => void;
};

/** The folder holding initdb and pg_ctl, or null when no PostgreSQL server is installed. */
function pgBinDir(): string | null {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && fs.existsSync(path.join(fromEnv, "initdb"))) return fromEnv;
  const base = "/usr/lib/postgresql";
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], "bin") : null;
}

const isRoot = () => process.getuid?.() === 0;

/** Why a private cluster cannot be made here, or null when it can. */
export function pgClusterUnavailable(): string | null {
  if (!pgBinDir()) return "no PostgreSQL server binaries (initdb) are installed";
  if (isRoot() && spawnSync("id", ["postgres"]).status !== 0) return "running as root and there is no postgres user to run initdb as";
  return null;
}

export function startPgCluster(port: number): PgCluster {
  const why = pgClusterUnavailable();
  if (why) throw new Error(`Cannot make a private PostgreSQL cluster: ${why}.`);
  const bin = pgBinDir()!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-faults-pg-"));
  const data = path.join(dir, "data");
  const log = path.join(dir, "server.log");
  if (isRoot()) execFileSync("chown", ["postgres", dir]);
  const as = (cmd: string, args: string[]) =>
    isRoot()
      ? execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { stdio: "pipe" })
      : execFileSync(path.join(bin, cmd), args, { stdio: "pipe" });
  as("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  // Loopback only, socket in our own folder; durability settings left at their defaults, so a
  // restart is the real thing (a checkpoint on shutdown, WAL replayed on start when killed).
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const ctl = (...args: string[]) => as("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", ...args]);
  ctl("-o", opts, "start");
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: () => void ctl("-m", "fast", "-o", opts, "restart"),
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        ctl("-m", "immediate", "stop");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
