// npm run bench:queue — simulated labelers against a running server over loopback.
//
// N labelers (default 200) each loop: POST /api/queue/next, think, POST /api/tasks/ranking,
// think, until the queue is empty. Think time is exponential with a mean of THINK_MS (default
// 5000 ms, so about 10 s per ranking). Real labelers spend 30 s or more reading and ranking four
// answers, so this is still about three times the load of 200 real people (about 20 rankings/s,
// 40 requests/s); THINK_MS=1000 is a stress test (200 requests/s). Prints throughput and
// p50/p95/p99 of next-task and submit, the web server's CPU time per request, and, measured in
// the same run against the same database, the latency of a bare `SELECT 1` round trip, so the
// figures can be read against this machine's noise. Ends with one line of JSON.
// Env: LABELERS, TASKS, THINK_MS, DATABASE_URL (a server; a throwaway database is created on it),
// BENCH_NODE_ARGS (node flags for the web server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import pg from "pg";
import { benchDatabase, percentile, round } from "./db";

const LABELERS = Number(process.env.LABELERS ?? 200);
const TASKS = Number(process.env.TASKS ?? 2000);
const THINK_MS = Number(process.env.THINK_MS ?? 5000);
const VISIBLE = process.argv.includes("--visible"); // also time submit → next task visible in Chromium (./queue-visible.ts)
const root = path.resolve(import.meta.dirname, "..");

const bench = await benchDatabase("queue");
process.env.DATABASE_URL = bench.url;
process.env.DATABASE_POOL_SIZE ??= "20";
const { db } = await import("../lib/db");
const { createUser } = await import("../lib/users");
const { createApiToken } = await import("../lib/auth/api-tokens");
const { importFile } = await import("../lib/labeling/import");
const { freePort } = await import("../lib/db/embedded");

console.log(`database: ${bench.engine}; seeding ${TASKS} ranking tasks (K=4, 1 ranking each) and ${LABELERS} labelers...`);
const admin = await createUser(db, null, { email: "bench-admin@bench.local", name: "", role: "admin", password: "bench password 1" });
const project = await db.project.create({ data: { slug: "bench", name: "bench", rankingsPerTask: 1, answersPerTask: 4 } });
const file = Array.from({ length: TASKS }, (_, i) =>
  JSON.stringify({ prompt: `bench prompt ${i}`, responses: ["one", "two", "three", "four"].map((r) => `${r} ${i}`) }),
).join("\n");
await importFile(db, { ...admin }, { projectId: project.id, kind: "answers", format: "jsonl", source: [file] });
const tokens: string[] = [];
for (let i = 0; i < LABELERS; i++) {
  const u = await createUser(db, null, { email: `labeler${i}@bench.local`, name: "", role: "labeler", password: "bench password 1" });
  tokens.push((await createApiToken(db, u, { name: "bench", scopes: ["tasks.work"] })).token);
}
await db.$disconnect();

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []; // e.g. --cpu-prof --cpu-prof-dir=/tmp/prof
const server = spawn(process.execPath, [...nodeArgs, "node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
  cwd: root,
  env: { ...process.env, NODE_ENV: "production", NEXTAUTH_SECRET: "bench-secret-bench-secret-bench", NEXT_TELEMETRY_DISABLED: "1" },
  stdio: ["ignore", "ignore", "inherit"],
});
for (;;) {
  try {
    if ((await fetch(`${base}/signin`)).ok) break;
  } catch {
    /* starting */
  }
  await new Promise((r) => setTimeout(r, 200));
}

// The simulated labelers share this machine's two cores with the server, so the client must be
// cheap: node:http on kept-alive sockets costs a fraction of fetch's CPU per request, and every
// millisecond the client spends is a millisecond added to some other request's measured latency.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
type Answer = { task?: { taskId: string } | null };
function post(url: string, token: string, body: unknown): Promise<{ json: Answer; ms: number }> {
  const data = JSON.stringify(body);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      base + url,
      {
        method: "POST",
        agent,
        // as a browser would: the server may gzip the answer
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(data), "accept-encoding": "gzip" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const ms = performance.now() - t0;
          const raw = Buffer.concat(chunks);
          const json = JSON.parse((res.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(raw) : raw).toString("utf8")) as Answer;
          if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode} ${JSON.stringify(json)}`));
          else resolve({ json, ms });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}
/** CPU seconds used so far by the server and its child processes (Linux /proc; NaN elsewhere). */
function serverCpuSeconds(): number {
  try {
    const tick = 100; // USER_HZ
    let total = 0;
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[1] ppid, f[11] utime, f[12] stime
      if (Number(pid) === server.pid || Number(f[1]) === server.pid) total += (Number(f[11]) + Number(f[12])) / tick;
    }
    return total;
  } catch {
    return NaN;
  }
}

const think = () => new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * THINK_MS));

// Warm up the routes (first request compiles nothing in production, but opens pools).
await post("/api/queue/next", tokens[0], { projectId: project.id }).then((r) =>
  r.json.task ? post("/api/tasks/skip", tokens[0], { taskId: r.json.task.taskId, reason: "warm-up" }) : null,
);

const nextMs: number[] = [];
const submitMs: number[] = [];
const cpu0 = serverCpuSeconds();
const t0 = performance.now();
const visible = VISIBLE ? import("./queue-visible").then((m) => m.measureVisible({ base, projectId: project.id, email: "bench-admin@bench.local", password: "bench password 1", delayMs: THINK_MS * 2 })) : null;
await Promise.all(
  tokens.map(async (token, i) => {
    await new Promise((r) => setTimeout(r, (i / LABELERS) * THINK_MS)); // stagger the arrivals
    for (;;) {
      const n = await post("/api/queue/next", token, { projectId: project.id });
      nextMs.push(n.ms);
      if (!n.json.task) return;
      await think();
      const tiers = Math.random() < 0.5 ? "A > B > C = D" : "D > C > B > A";
      const s = await post("/api/tasks/ranking", token, {
        clientId: crypto.randomUUID(),
        taskId: n.json.task.taskId,
        tiers,
        answers: [],
        timeSpentMs: 1000,
      });
      submitMs.push(s.ms);
      await think();
    }
  }),
);
const wall = (performance.now() - t0) / 1000;
const visibleFigures = await visible;
const cpuPerRequestMs = ((serverCpuSeconds() - cpu0) * 1000) / (nextMs.length + submitMs.length);

// The reference: a bare SELECT 1 round trip to the same database, now, from this process.
const client = new pg.Client({ connectionString: bench.url });
await client.connect();
const selectMs: number[] = [];
for (let i = 0; i < 500; i++) {
  const t = performance.now();
  await client.query("SELECT 1");
  selectMs.push(performance.now() - t);
}
await client.end();
const check = new pg.Client({ connectionString: bench.url });
await check.connect();
const over = (await check.query(`SELECT count(*)::int AS n FROM "Task" WHERE done > wanted`)).rows[0].n;
const rankings = (await check.query(`SELECT count(*)::int AS n FROM "Ranking"`)).rows[0].n;
await check.end();
server.kill("SIGTERM");
await bench.drop();

for (const a of [nextMs, submitMs, selectMs]) a.sort((x, y) => x - y);
const stats = (a: number[]) => ({ p50: round(percentile(a, 50)), p95: round(percentile(a, 95)), p99: round(percentile(a, 99)) });
const next = stats(nextMs);
const submit = stats(submitMs);
const select1 = stats(selectMs);
console.log(`\n${LABELERS} labelers thinking ${THINK_MS} ms on average between requests, ${rankings} rankings in ${round(wall)} s: ${round(rankings / wall)} submits/s, ${round((nextMs.length + submitMs.length) / wall)} requests/s`);
console.log(`web server CPU ${round(cpuPerRequestMs, 2)} ms per request`);
console.log(`next-task  p50 ${next.p50} ms  p95 ${next.p95} ms  p99 ${next.p99} ms`);
console.log(`submit     p50 ${submit.p50} ms  p95 ${submit.p95} ms  p99 ${submit.p99} ms`);
console.log(`SELECT 1   p50 ${select1.p50} ms  p95 ${select1.p95} ms  p99 ${select1.p99} ms  (reference: the same database, this run)`);
console.log(`p99 next-task / p50 SELECT 1 = ${round(next.p99 / select1.p50)}x; tasks over their wanted count: ${over}`);
const target = 50;
console.log(
  JSON.stringify({
    bench: "queue",
    engine: bench.engine,
    labelers: LABELERS,
    think_ms: THINK_MS,
    rankings,
    submits_per_s: round(rankings / wall),
    next_p50_ms: next.p50,
    next_p99_ms: next.p99,
    submit_p50_ms: submit.p50,
    submit_p99_ms: submit.p99,
    server_cpu_ms_per_request: round(cpuPerRequestMs, 2),
    select1_p50_ms: select1.p50,
    target_p99_ms: target,
    ...(visibleFigures && { visible: visibleFigures }),
    pass: next.p99 < target && submit.p99 < target && over === 0 && rankings === TASKS && (visibleFigures?.pass ?? true),
  }),
);
process.exit(0);
