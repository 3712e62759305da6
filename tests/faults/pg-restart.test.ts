// PostgreSQL restarts under running processes: their idle pooled connections are cut, and they
// must keep running and reconnect, with no restart of their own. On a private cluster
// (tests/helpers/pg-cluster.ts), so the restart disturbs no other test; skipped, saying why, where
// no PostgreSQL server binaries are installed. (The web server under load: bench/faults.ts.)
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { pgClusterUnavailable, startPgCluster, type PgCluster } from "../helpers/pg-cluster";

const root = path.resolve(import.meta.dirname, "../..");
const why = pgClusterUnavailable();
if (why) console.warn(`skipped: a private PostgreSQL cluster cannot be made here (${why})`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: PgCluster | undefined;
let url = "";
afterAll(() => cluster?.stop());

/** A node process with tsx and the react-server condition, as `npm run worker` runs. */
function node(args: string[]): { child: ChildProcess; out: () => string } {
  let out = "";
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, WORKER_POLL_MS: "200" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, out: () => out };
}

async function waitForOutput(p: ReturnType<typeof node>, re: RegExp) {
  const deadline = Date.now() + 60_000;
  while (!re.test(p.out())) {
    if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${re} in:\n${p.out()}`);
    await sleep(100);
  }
}

describe.skipIf(why !== null)("processes across a PostgreSQL restart", { timeout: 240_000 }, () => {
  beforeAll(async () => {
    cluster = startPgCluster(await freePort());
    url = cluster.url.replace(/\/postgres$/, "/faults_restart");
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query("CREATE DATABASE faults_restart");
    await admin.end();
    await migrate(url, { log: () => {} });
  });

  it("a process using only the shared SQL pool (the labeling paths) survives and reconnects", async () => {
    // Prisma's adapter happens to listen for pool errors once `db` is used; the labeling hot paths
    // use the pool alone, and an unheard pool "error" (an idle connection cut) ends the process.
    const script = `const { sqlPool } = await import("./lib/db.ts");
      for (;;) {
        try { await sqlPool().query("SELECT 1"); console.log("ok " + Date.now()); } catch (e) { console.log("failed: " + e.message); }
        await new Promise((r) => setTimeout(r, 200));
      }`;
    const p = node(["--input-type=module", "-e", script]);
    try {
      await waitForOutput(p, /ok \d+/);
      cluster!.restart();
      const after = p.out().length;
      await sleep(2000);
      expect(p.child.exitCode, p.out()).toBeNull();
      expect(p.out().slice(after), p.out()).toMatch(/ok \d+/);
    } finally {
      p.child.kill("SIGKILL");
    }
  });

  it("a training worker keeps running and polling the queue", async () => {
    const w = node(["scripts/worker.ts"]);
    try {
      await waitForOutput(w, /worker .* started/);
      await sleep(1500); // polling: its pool holds idle connections now
      cluster!.restart();
      // Connected again, on its own: its polls open backends on the restarted server.
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      let backends = 0;
      for (const deadline = Date.now() + 30_000; backends === 0 && Date.now() < deadline;) {
        await sleep(250);
        const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'faults_restart' AND pid <> pg_backend_pid()`);
        backends = rows[0].n;
      }
      await c.end();
      expect(w.child.exitCode, w.out()).toBeNull();
      expect(backends, w.out()).toBeGreaterThan(0);
    } finally {
      w.child.kill("SIGKILL");
    }
  });
});
