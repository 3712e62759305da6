// Where bench:queue's milliseconds go: the CPU each process spent (web server, database, the
// simulated clients) and the latency figures of a set of samples, client-observed beside the
// server's own (its Server-Timing header: lib/server-timing.ts).
import fs from "node:fs";
import pg from "pg";
import { percentile, round } from "./db";
import type { Sample } from "./queue-clients";

/** utime + stime of a process, in seconds (Linux /proc; NaN elsewhere or when it is gone). */
function procCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[11] utime, f[12] stime
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by a process and its children (the web server and what it started). */
export function treeCpuSeconds(root: number): number {
  try {
    let total = 0;
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (Number(pid) === root || ppid === root) total += procCpuSeconds(Number(pid));
    }
    return total;
  } catch {
    return NaN;
  }
}

/**
 * The database's CPU seconds during a run. PGlite: this process's (it serves the database; the
 * clients run in a child). PostgreSQL: the backends connected to the bench database, sampled once a
 * second (a backend that comes and goes between samples is missed; the pool keeps its connections).
 */
export function databaseCpu(engine: "postgresql" | "pglite", url: string) {
  if (engine === "pglite") {
    const t0 = process.cpuUsage();
    return {
      stop: async () => {
        const d = process.cpuUsage(t0);
        return (d.user + d.system) / 1e6;
      },
    };
  }
  const seen = new Map<number, { first: number; last: number }>();
  const client = new pg.Client({ connectionString: url });
  let started = false;
  const sample = async () => {
    // every backend on the bench database but this sampler's own
    const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    for (const { pid } of rows) {
      const cpu = procCpuSeconds(pid);
      if (Number.isNaN(cpu)) continue;
      const s = seen.get(pid);
      if (s) s.last = cpu;
      else seen.set(pid, { first: started ? 0 : cpu, last: cpu });
    }
  };
  const ready = client
    .connect()
    .then(sample)
    .then(() => void (started = true));
  const timer = setInterval(() => void ready.then(sample).catch(() => {}), 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await ready;
      await sample();
      await client.end();
      let total = 0;
      for (const s of seen.values()) total += s.last - s.first;
      return total;
    },
  };
}

const stats = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return { p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), p99: round(percentile(s, 99)) };
};

/**
 * Latency of one kind of request: as the client saw it, the server's handler time (`app`), its
 * database round trips (`sql`), the wait for a pooled connection (`pool`), and what lies outside
 * the handler (client minus app: loopback, Next.js's routing, and both processes waiting for a core).
 */
export function breakdown(samples: Sample[], kind: Sample["kind"]) {
  const mine = samples.filter((s) => s.kind === kind);
  return {
    n: mine.length,
    client: stats(mine.map((s) => s.ms)),
    app: stats(mine.map((s) => s.server.app ?? NaN)),
    sql: stats(mine.map((s) => s.server.sql ?? 0)),
    pool: stats(mine.map((s) => s.server.pool ?? 0)),
    auth: stats(mine.map((s) => s.server.auth ?? 0)),
    outside: stats(mine.map((s) => s.ms - (s.server.app ?? NaN))),
    /** Database round trips per request, on average (the server counts them: lib/server-timing.ts). */
    trips: round(mine.reduce((sum, s) => sum + (s.server.trips ?? NaN), 0) / mine.length, 2),
  };
}
export type Breakdown = ReturnType<typeof breakdown>;

export function describe(name: string, b: Breakdown): string {
  const f = (x: { p50: number; p99: number }) => `${x.p50} / ${x.p99}`;
  return `${name.padEnd(7)} client ${f(b.client)}  server: handler ${f(b.app)}, sql ${f(b.sql)}, pool wait ${f(b.pool)}, auth ${f(b.auth)}; outside the handler ${f(b.outside)}  (p50 / p99 ms, ${b.n} requests; ${b.trips} database round trips each)`;
}

/** The 1-minute load average (Linux; NaN elsewhere). */
export function loadAverage(): number {
  try {
    return Number(fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  } catch {
    return NaN;
  }
}
