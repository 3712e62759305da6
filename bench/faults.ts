// npm run bench:faults — does the app lose or duplicate work when processes die?
//
// On a private PostgreSQL cluster (initdb into a temporary folder, its own port, so restarting it
// disturbs nobody; tests/helpers/pg-cluster.ts) and the built app (`next start`), four scenarios:
//   web_kill      LABELERS simulated labelers; the web server is SIGKILLed and started again twice;
//   pg_restart    the same while PostgreSQL restarts once (`pg_ctl restart -m fast`); the app is
//                 not restarted and must recover on its own;
//   two_servers   two web servers on the one database, clients alternating between them; one of
//                 them is SIGKILLed and started again;
//   worker_kill   a training worker SIGKILLed mid-checkpoint; another resumes the run.
// Labelers are HTTP clients (tests/helpers/labelers.ts; one in four signed in with a password and
// a session cookie, the others by API token) that take tasks, rank or write, and submit
// with idempotency keys, retrying on dropped connections and 5xx like a browser client. After each
// scenario the database is checked: every acknowledged submission stored exactly once, none
// duplicated, no task over its wanted count. Ends with ONE line of JSON; "pass" needs lost =
// duplicated = over_filled = inconsistent = 0 in every scenario, each recovery within its bound,
// and (pg_restart) the idle training worker still running.
// Env: LABELERS (200), DURATION_S per labeling scenario (45), THINK_MS mean think time (1500),
// ANSWER_SETS per scenario (1500; each a ranking task wanting 2 and a demonstration task), PG_PORT.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { recoverySeconds, runLabelers, seedLabeling, verify, type LabelerStats, type Verdict } from "../tests/helpers/labelers";
import { pgClusterUnavailable, startPgCluster, type PgCluster } from "../tests/helpers/pg-cluster";
import { webServer, type WebServer } from "../tests/helpers/web-server";

const LABELERS = Number(process.env.LABELERS ?? 200);
const DURATION_S = Number(process.env.DURATION_S ?? 45);
const THINK_MS = Number(process.env.THINK_MS ?? 1500);
const ANSWER_SETS = Number(process.env.ANSWER_SETS ?? 1500);
/**
 * Recovery bounds, seconds: a web server's restart (a cold `next start` on busy cores), PostgreSQL's
 * restart, a worker's hand-over (heartbeat timeout WORKER_STALE_MS + a new worker's start). With two
 * servers the bound is the killed one's restart time measured in the same run: service must come
 * back before it does, carried by the other server (0 here is a placeholder, set after the run).
 */
const BOUND = { web_kill: 30, pg_restart: 15, two_servers: 0, worker_kill: 30 };
const WORKER_STALE_MS = 5000;

const log = (m: string) => console.log(`[faults] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 10) / 10;

const why = pgClusterUnavailable();
if (why) {
  console.error(`bench:faults needs a private PostgreSQL cluster (it restarts it): ${why}.`);
  process.exit(2);
}
const pgPort = Number(process.env.PG_PORT ?? (await freePort()));
log(`private PostgreSQL cluster on 127.0.0.1:${pgPort}...`);
const cluster: PgCluster = startPgCluster(pgPort);
const storage = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-faults-storage-"));
const servers: WebServer[] = [];
const cleanup = async () => {
  // This process's own pool first, so the cluster's stop cuts no idle connection of ours.
  if (process.env.DATABASE_URL) await (await import("../lib/db")).db.$disconnect().catch(() => {});
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
  cluster.stop();
  fs.rmSync(storage, { recursive: true, force: true });
};
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
process.once("exit", () => cluster.stop()); // even when the bench dies on an error (web servers: web-server.ts)

type Scenario = Verdict & {
  worker_survived?: boolean;
  sessions: number;
  retries: number;
  server_errors: number;
  refused: Record<string, number>;
  abandoned: number;
  recovery_s: (number | null)[];
  bound_s: number;
  acks_after_last_fault: number;
};
const results: Record<string, Scenario | Record<string, unknown>> = {};

try {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query("CREATE DATABASE rlhf_faults");
  await admin.end();
  const databaseUrl = cluster.url.replace(/\/postgres$/, "/rlhf_faults");
  await migrate(databaseUrl, { log: () => {} });
  process.env.DATABASE_URL = databaseUrl;
  process.env.STORAGE_DIR = storage;
  const serverEnv = { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "20", STORAGE_DIR: storage };

  /** Runs LABELERS labelers against `bases` for DURATION_S, calling each fault at its fraction of the run. */
  async function labelingScenario(name: keyof typeof BOUND, bases: () => string[], faults: { at: number; inject: () => Promise<void> }[]): Promise<Scenario> {
    const seeded = await seedLabeling({ name, answerSets: ANSWER_SETS, rankingsPerTask: 2, labelers: LABELERS });
    log(`${name}: ${LABELERS} labelers, ${seeded.tasks} tasks, ${DURATION_S} s`);
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const t0 = performance.now();
    const { done } = runLabelers({ bases: bases(), seeded, thinkMs: THINK_MS, sessionEvery: 4, until });
    const faultTimes: number[] = [];
    for (const f of faults) {
      await sleep(Math.max(0, t0 + f.at * DURATION_S * 1000 - performance.now()));
      faultTimes.push(performance.now());
      await f.inject();
    }
    await sleep(Math.max(0, t0 + DURATION_S * 1000 - performance.now()));
    stop();
    const s: LabelerStats = await done;
    const verdict = await verify(databaseUrl, seeded.projectId, s.acks);
    const lastFault = faultTimes.at(-1) ?? t0;
    const r: Scenario = {
      ...verdict,
      sessions: s.sessions,
      retries: s.retries,
      server_errors: s.serverErrors,
      refused: s.refused,
      abandoned: s.abandoned,
      recovery_s: faultTimes.map((t) => recoverySeconds(s, t)),
      bound_s: BOUND[name],
      acks_after_last_fault: s.okAt.filter((o) => o.sent >= lastFault).length,
    };
    log(`${name}: ${JSON.stringify(r)}`);
    return r;
  }

  // 1. One web server, SIGKILLed and started again (as a supervisor would) twice.
  {
    const web = webServer(await freePort(), serverEnv);
    servers.push(web);
    await web.start();
    const killAndRestart = async () => {
      await web.kill();
      log(`web_kill: killed; restarted in ${round(await web.start())} s`);
    };
    results.web_kill = await labelingScenario("web_kill", () => [web.url], [
      { at: 0.3, inject: killAndRestart },
      { at: 0.6, inject: killAndRestart },
    ]);

    // 2. The same server while PostgreSQL restarts once; the app is left alone, and so is an idle
    //    training worker beside it, which must still be running afterwards.
    const { spawnWorker } = await import("../tests/runs/helpers");
    const worker = spawnWorker({ STORAGE_DIR: storage, WORKER_PROJECT_ID: "00000000-0000-0000-0000-000000000000" });
    results.pg_restart = await labelingScenario("pg_restart", () => [web.url], [
      {
        at: 0.4,
        inject: async () => {
          const t = performance.now();
          cluster.restart();
          log(`pg_restart: PostgreSQL restarted in ${round((performance.now() - t) / 1000)} s`);
        },
      },
    ]);
    (results.pg_restart as Scenario).worker_survived = worker.child.exitCode === null && worker.child.signalCode === null;
    await worker.stop();
    await web.stop();
  }

  // 3. Two web servers on one database, clients alternating; one is SIGKILLed and started again.
  {
    const a = webServer(await freePort(), serverEnv);
    const b = webServer(await freePort(), serverEnv);
    servers.push(a, b);
    await Promise.all([a.start(), b.start()]);
    results.two_servers = await labelingScenario("two_servers", () => [a.url, b.url], [
      {
        at: 0.5,
        inject: async () => {
          const t = performance.now();
          await b.kill();
          await b.start();
          BOUND.two_servers = round((performance.now() - t) / 1000);
          log(`two_servers: one killed; back in ${BOUND.two_servers} s`);
        },
      },
    ]);
    await Promise.all([a.stop(), b.stop()]);
  }

  // 4. A training worker SIGKILLed mid-checkpoint.
  {
    const { killWorkerMidCheckpoint } = await import("../tests/helpers/worker-fault");
    log("worker_kill: a pretraining run; its worker is killed between the two renames of its second checkpoint");
    const w = await killWorkerMidCheckpoint({ storage, steps: 150, saveEvery: 25, staleMs: WORKER_STALE_MS });
    const { logTail: _, ...shown } = w;
    results.worker_kill = { ...shown, bound_s: BOUND.worker_kill };
    log(`worker_kill: ${JSON.stringify(results.worker_kill)}`);
  }
} finally {
  await cleanup();
}

const labeling = ["web_kill", "pg_restart", "two_servers"].map((k) => [k, results[k] as Scenario] as const);
const worker = results.worker_kill as {
  status: string;
  lastComplete: number;
  resumedFrom: number | null;
  finalStep: number | null;
  steps: number;
  recovery_s: number;
  leftovers: string[];
};
const sum = (f: (s: Scenario) => number) => labeling.reduce((a, [, s]) => a + f(s), 0);
const labelingOk = labeling.every(
  ([, s]) =>
    s.lost === 0 &&
    s.duplicated === 0 &&
    s.over_filled === 0 &&
    s.inconsistent === 0 &&
    s.acks_after_last_fault > 0 &&
    s.worker_survived !== false &&
    s.recovery_s.every((r) => r !== null && r <= s.bound_s),
);
const workerOk =
  worker.status === "succeeded" &&
  worker.resumedFrom === worker.lastComplete &&
  worker.finalStep === worker.steps &&
  worker.leftovers.length === 0 &&
  worker.recovery_s <= BOUND.worker_kill;
console.log(
  JSON.stringify({
    bench: "faults",
    labelers: LABELERS,
    duration_s: DURATION_S,
    think_ms: THINK_MS,
    acknowledged: sum((s) => s.acknowledged),
    stored: sum((s) => s.stored),
    duplicated: sum((s) => s.duplicated),
    lost: sum((s) => s.lost),
    over_filled: sum((s) => s.over_filled),
    inconsistent: sum((s) => s.inconsistent),
    recovery_s: {
      web_kill: (results.web_kill as Scenario).recovery_s,
      pg_restart: (results.pg_restart as Scenario).recovery_s,
      two_servers: (results.two_servers as Scenario).recovery_s,
      worker_kill: worker.recovery_s,
    },
    recovery_bound_s: BOUND,
    scenarios: results,
    pass: labelingOk && workerOk,
  }),
);
