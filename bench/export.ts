// npm run bench:export — seed ROWS (default 1,000,000) comparisons with set-based SQL, stream the
// reward-model export (TRL preference layout, train/validation split, files + sha256 + card), and
// print rows/s and peak RSS: of the child process that streams the rows (lib/exports/stream.ts)
// and of this process, which starts it and stores the Export row (both must stay under the
// target; this process's peak is taken over the export alone, from a reset of its peak RSS as the
// export starts: before it, the bench seeds the rows). For scale, the same run measures a
// reference in a child process, as the export streams in one: the same comparison rows streamed
// through the same cursor with a bare SELECT and no formatting or writing. The export writes every
// row twice (JSONL and Parquet); to see each format alone, the train split's rows are then written
// again by a child process per format (bench/export-format-child.ts): rows/s and peak RSS of each.
// Ends with one line of JSON. Env: ROWS; DATABASE_URL (a server: a throwaway database is created
// on it and dropped unless KEEP_DB is set), else the embedded database laid out as the app runs it:
// PGlite in a process of its own with its data on disk (as npm start hosts it), this process in the
// web server's place (it starts the export and stores the Export row), and the export's child. For
// the embedded database it also reports the database process's resident memory empty, after
// seeding, and restarted with the rows stored (the app's "idle with N comparisons"), and the peak of
// the SUM during the export over what `npm start` runs: the database, this process in the web
// server's place with the export's child, and a training worker and the inference server at rest
// beside them, as npm start starts one of each (the whole app's memory, target < 1 GiB).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { benchDatabase, round } from "./db";
import { nodeEntry } from "../lib/child-bundle.mjs";
import { childEnv } from "../lib/child-env";
import { freePort } from "../lib/db/embedded";
import { peakRssWindow, rssMb, sampleRss } from "./rss";

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const TARGET_ROWS_PER_S = 100_000;
const TARGET_RSS_MB = 300;
const TARGET_APP_RSS_MB = 1024; // the whole app on the embedded database: database + web server + export child

/** Runs one of this bench's child scripts through tsx and parses the JSON line it ends with. */
function childJson<T>(script: string, args: string[], node: string[] = []): T {
  const out = execFileSync(process.execPath, ["--import", "tsx", "--conditions=react-server", ...node, script, ...args], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

const K = 5; // C(5,2) = 10 comparisons per ranking
const RANKINGS = Math.ceil(ROWS / 10);
const PROMPTS = Math.ceil(RANKINGS / 2); // two rankings (two labelers) per task
const LABELERS = 50;

const bench = await benchDatabase("export", { ownProcess: true });
const dbRss = () => (bench.pid ? Math.round(rssMb(bench.pid())) : NaN);
await bench.restart?.(); // a fresh folder's first start also runs initdb, whose memory is no steady state
const dbEmptyMb = dbRss();
if (bench.pid) console.log(`database process: ${dbEmptyMb} MB RSS with the schema and no rows`);
process.env.DATABASE_URL = bench.url;
process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "bench-export-"));
const { db } = await import("../lib/db");
const { createExport } = await import("../lib/exports/snapshot");
const { createExportInput } = await import("../lib/validation/export");
const { nativeSnappy } = await import("../lib/exports/parquet-snappy");

console.log(`database: ${bench.engine}; seeding ${PROMPTS} prompts, ${RANKINGS} rankings of K=${K}, ${RANKINGS * 10} comparisons...`);
const seed = new pg.Client({ connectionString: bench.url });
await seed.connect();
const t0 = performance.now();
const uid = (expr: string) => `md5(${expr})::uuid`;
const tierOf = (pos: string) => `(CASE WHEN l = 0 THEN ${pos} ELSE (${pos} + i) % ${K} END)`;
const user = `${uid(`'u' || ((2 * i + l) % ${LABELERS})`)}`;
// Rows go in in the order the app writes them, so they lie on disk as they would: a prompt's answers
// together (an import or a generate run writes them in one statement), each ranking's answers and
// pairs together, and the rankings in the order they came (every task's first ranking, then its
// second). Without ORDER BY the planner may run a cross product inside out: it put each prompt's
// five answers on five different pages: the export's texts lookups then visited 250,000 heap pages
// and missed the buffer pool 187,237 times, against 56,212 and 51,835 in the app's layout.
const steps: string[] = [
  "SET session_replication_role = replica", // skip foreign-key triggers while seeding
  `INSERT INTO "User" (id, email, "passwordHash", role, "updatedAt")
     SELECT ${uid("'u' || n")}, 'labeler' || n || '@bench.local', 'x', 'labeler', now() FROM generate_series(0, ${LABELERS - 1}) n`,
  `INSERT INTO "User" (id, email, "passwordHash", role, "updatedAt") VALUES (${uid("'admin'")}, 'admin@bench.local', 'x', 'admin', now())`,
  `INSERT INTO "Project" (id, slug, name, "answersPerTask", "rankingsPerTask", "updatedAt", guidelines)
     VALUES (${uid("'project'")}, 'bench', 'Bench', ${K}, 2, now(), 'Prefer the more helpful, honest and harmless answer.')`,
  `INSERT INTO "Prompt" (id, "projectId", messages, "contentHash")
     SELECT ${uid("'p' || i")}, ${uid("'project'")},
            jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'Bench prompt ' || i || ': explain how an export streams rows from the database.')),
            md5('p' || i)
       FROM generate_series(0, ${PROMPTS - 1}) i`,
  `INSERT INTO "Completion" (id, "promptId", text, source, "sourceName")
     SELECT ${uid("'c' || i || '-' || j")}, ${uid("'p' || i")},
            'Answer ' || j || ' to prompt ' || i || ': ' || repeat('the rows go through a cursor in batches. ', 3), 'import', 'bench-model'
       FROM generate_series(0, ${PROMPTS - 1}) i, generate_series(0, ${K - 1}) j ORDER BY i, j`,
  `INSERT INTO "Task" (id, "projectId", kind, "promptId", wanted, done, "contentHash")
     SELECT ${uid("'t' || i")}, ${uid("'project'")}, 'ranking', ${uid("'p' || i")}, 2, 2, md5('t' || i) FROM generate_series(0, ${PROMPTS - 1}) i`,
  `INSERT INTO "TaskCompletion" ("taskId", position, "completionId")
     SELECT ${uid("'t' || i")}, j, ${uid("'c' || i || '-' || j")} FROM generate_series(0, ${PROMPTS - 1}) i, generate_series(0, ${K - 1}) j ORDER BY i, j`,
  `INSERT INTO "Assignment" (id, "taskId", "userId", status, "leasedUntil", "updatedAt")
     SELECT ${uid("'a' || i || '-' || l")}, ${uid("'t' || i")}, ${user}, 'submitted', now(), now()
       FROM generate_series(0, ${PROMPTS - 1}) i, generate_series(0, 1) l WHERE i * 2 + l < ${RANKINGS} ORDER BY l, i`,
  `INSERT INTO "Ranking" (id, "taskId", "assignmentId", "labelerId", tiers, notation, "timeSpentMs", "clientId", "updatedAt")
     SELECT ${uid("'r' || i || '-' || l")}, ${uid("'t' || i")}, ${uid("'a' || i || '-' || l")}, ${user},
            (SELECT jsonb_agg(jsonb_build_array(pos) ORDER BY ${tierOf("pos")}) FROM generate_series(0, ${K - 1}) pos),
            (SELECT string_agg(chr(65 + pos), ' > ' ORDER BY ${tierOf("pos")}) FROM generate_series(0, ${K - 1}) pos),
            30000, 'r' || i || '-' || l, now()
       FROM generate_series(0, ${PROMPTS - 1}) i, generate_series(0, 1) l WHERE i * 2 + l < ${RANKINGS} ORDER BY l, i`,
  `INSERT INTO "RankingAnswer" ("rankingId", "completionId", tier)
     SELECT ${uid("'r' || i || '-' || l")}, ${uid("'c' || i || '-' || pos")}, ${tierOf("pos")}
       FROM generate_series(0, ${PROMPTS - 1}) i, generate_series(0, 1) l, generate_series(0, ${K - 1}) pos WHERE i * 2 + l < ${RANKINGS} ORDER BY l, i, pos`,
  `INSERT INTO "Comparison" ("projectId", "taskId", "rankingId", "labelerId", "chosenId", "rejectedId", tie, margin)
     SELECT ${uid("'project'")}, ${uid("'t' || i")}, ${uid("'r' || i || '-' || l")}, ${user},
            ${uid(`'c' || i || '-' || (CASE WHEN ${tierOf("a")} < ${tierOf("b")} THEN a ELSE b END)`)},
            ${uid(`'c' || i || '-' || (CASE WHEN ${tierOf("a")} < ${tierOf("b")} THEN b ELSE a END)`)},
            false, abs(${tierOf("a")} - ${tierOf("b")})
       FROM generate_series(0, ${PROMPTS - 1}) i, generate_series(0, 1) l, generate_series(0, ${K - 1}) a, generate_series(0, ${K - 1}) b
      WHERE a < b AND i * 2 + l < ${RANKINGS} ORDER BY l, i, a, b`,
  "SET session_replication_role = DEFAULT",
  "ANALYZE",
];
for (const sql of steps) await seed.query(sql);
const seeded = Number((await seed.query(`SELECT count(*) AS n FROM "Comparison"`)).rows[0].n);
console.log(`seeded ${seeded} comparisons in ${round((performance.now() - t0) / 1000)} s`);
const projectId = (await seed.query(`SELECT ${uid("'project'")} AS id`)).rows[0].id as string;
const dbSeededMb = dbRss();
let dbIdleMb = NaN;
await seed.end();
if (bench.restart) {
  // The app with the rows stored, as after a restart (seeding's set-based SQL is no app workload).
  await bench.restart();
  await new Promise((r) => setTimeout(r, 2000));
  dbIdleMb = dbRss();
  console.log(`database process: ${dbSeededMb} MB RSS after seeding; ${dbIdleMb} MB restarted with ${seeded} comparisons stored`);
}

const input = createExportInput.parse({ kind: "rm", projectId });

// Reference: the same comparison rows through the same kind of cursor with a bare SELECT, in a
// child process as the export streams in one (bench/export-reference-child.ts).
const ref = childJson<{ rows: number; seconds: number }>("bench/export-reference-child.ts", [bench.url, input.projectId!]);
const dbAfterReferenceMb = dbRss();
const referenceRowsPerS = ref.rows / ref.seconds;
console.log(`reference (bare SELECT through the cursor): ${ref.rows} rows in ${round(ref.seconds, 2)} s = ${Math.round(referenceRowsPerS)} rows/s`);

console.log(`RSS before the export: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
let peakRss = process.memoryUsage().rss;
// What another user of the app sees meanwhile: a SELECT 1 every 100 ms on a connection of its own.
const probe = new pg.Client({ connectionString: bench.url });
await probe.connect();
let probing = true;
let probeMaxMs = 0;
const probeLoop = (async () => {
  while (probing) {
    const t = performance.now();
    await probe.query("SELECT 1");
    probeMaxMs = Math.max(probeMaxMs, performance.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
})();
// npm start's other processes, at rest beside the export (embedded database only: the app's memory is its target there).
const resting: Record<string, ChildProcess> = {};
if (bench.pid) {
  const inferenceUrl = `http://127.0.0.1:${await freePort()}`;
  const secret = crypto.randomBytes(24).toString("base64url");
  for (const [name, script, extra] of [
    ["worker", "scripts/worker.ts", { RUN_SECRETS_KEY: secret }],
    ["inference", "scripts/inference.ts", { INFERENCE_SECRET: secret, INFERENCE_URL: inferenceUrl }],
  ] as const)
    resting[name] = spawn(process.execPath, ["--conditions=react-server", ...(await nodeEntry(process.cwd(), script))], {
      env: childEnv({ DATABASE_URL: bench.url, ...extra }),
      stdio: "ignore",
    });
  await new Promise((r) => setTimeout(r, 8000)); // started, connected, settled (npm start's own 10 s settle: bench/app-rss.ts)
}
const app = sampleRss(
  bench.pid ? { database: bench.pid(), web: process.pid, ...Object.fromEntries(Object.entries(resting).map(([k, c]) => [k, c.pid!])) } : { web: process.pid },
);
// This process's first ORM query, before the clock: it loads Prisma's query compiler (about 0.5 s),
// which a web server has done long before anyone asks it for an export.
const admin = await db.user.findFirstOrThrow({ where: { email: "admin@bench.local" } });
// this process's peak during the export, apart from the seeding before it (the bench's own work):
// the kernel's high-water mark from a reset as the export starts, and samples every 10 ms (the
// high-water mark is brought up to date lazily, so either may be the higher)
const exportWindow = peakRssWindow();
peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
const e0 = performance.now();
let childRssMb = NaN;
let phases: Record<string, number> = {};
const exp = await createExport(db, admin, input, {
  batchSize: process.env.BATCH ? Number(process.env.BATCH) : undefined,
  onWorkerStats: (s) => {
    childRssMb = s.maxRssMb;
    phases = Object.fromEntries(Object.entries(s.phases ?? {}).map(([k, v]) => [k, round(v, 2)]));
  },
});
const seconds = (performance.now() - e0) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const exportPeakMb = Math.max(exportWindow.since(), peakRss / 2 ** 20);
const appPeak = app.stop();
for (const c of Object.values(resting)) c.kill("SIGTERM");
probing = false;
await probeLoop;
await probe.end();
const rowsPerS = exp.rowCount / seconds;
const bytes = exp.files.reduce((n, f) => n + f.bytes, 0);
console.log(
  `export: ${exp.rowCount} rows (${Object.entries(exp.splitCounts)
    .map(([s, c]) => `${s} ${c.rows}`)
    .join(", ")}), ` +
    `${round(bytes / 2 ** 20)} MiB in ${round(seconds, 2)} s = ${Math.round(rowsPerS)} rows/s ` +
    `(${round(rowsPerS / referenceRowsPerS, 2)}× the reference); peak RSS of the streaming child process ${childRssMb} MB; ` +
    `of this process ${Math.round(exportPeakMb)} MB at its peak during the export (sampled: ${Math.round(peakRss / 2 ** 20)} MB), ` +
    `${Math.round(exportWindow.before)} MB before it (seeding)`,
);
const childS = Object.entries(phases).reduce((n, [k, v]) => (k === "db_wait_s" || k === "stream_cpu_s" ? n : n + v), 0);
console.log(
  `where the export's ${round(seconds, 2)} s went (s): ${JSON.stringify(phases)}; the rest (child start, files' finish, card, Export row) ${round(seconds - childS, 2)}`,
);
console.log(`another connection's SELECT 1 during the export: longest wait ${Math.round(probeMaxMs)} ms`);
console.log(
  `whole app during the export, peak of the sum (MB): ${JSON.stringify(appPeak)}; database process ${dbAfterReferenceMb} MB before it, ${dbRss()} MB after`,
);

// Each format alone, on the train split's rows, in a child process of its own.
const trainJsonl = path.join(process.env.STORAGE_DIR, "exports", exp.id, "train.jsonl");
type FormatRun = { rows: number; write_s: number; bytes: number; max_rss_mb: number };
const formatRun = (format: string): FormatRun => {
  const out = path.join(process.env.STORAGE_DIR!, `format-${format}`);
  const r = childJson<FormatRun>("bench/export-format-child.ts", [format, trainJsonl, out], ["--max-old-space-size=512"]);
  fs.rmSync(out, { recursive: true, force: true });
  return r;
};
const formats = { jsonl: formatRun("jsonl"), parquet: formatRun("parquet") };
const perS = (r: FormatRun) => Math.round(r.rows / r.write_s);
for (const [name, r] of Object.entries(formats))
  console.log(
    `${name} alone: ${r.rows} rows written in ${round(r.write_s, 2)} s = ${perS(r)} rows/s, ${round(r.bytes / 2 ** 20)} MiB, peak RSS ${r.max_rss_mb} MB`,
  );
console.log(
  `parquet / jsonl writing speed: ${round(perS(formats.parquet) / perS(formats.jsonl), 2)}× (Snappy: ${nativeSnappy ? "native" : "hyparquet-writer's JavaScript"})`,
);

await db.$disconnect();
fs.rmSync(process.env.STORAGE_DIR, { recursive: true, force: true });
if (process.env.KEEP_DB && bench.stop) {
  await bench.stop();
  console.log(`kept the embedded database: DATA_DIR=${bench.dataDir}`);
} else if (process.env.KEEP_DB) console.log(`kept the database: ${bench.url}`);
else await bench.drop();
const parentPeakMb = Math.round(exportPeakMb);
console.log(
  JSON.stringify({
    bench: "export",
    engine: bench.engine,
    rows: exp.rowCount,
    seconds: round(seconds, 2),
    rows_per_s: Math.round(rowsPerS),
    peak_rss_mb: childRssMb,
    parent_peak_rss_mb: parentPeakMb,
    parent_before_peak_rss_mb: Math.round(exportWindow.before),
    reference_rows_per_s: Math.round(referenceRowsPerS),
    ratio_to_reference: round(rowsPerS / referenceRowsPerS, 2),
    phases_s: phases,
    jsonl_rows_per_s: perS(formats.jsonl),
    jsonl_peak_rss_mb: formats.jsonl.max_rss_mb,
    parquet_rows_per_s: perS(formats.parquet),
    parquet_peak_rss_mb: formats.parquet.max_rss_mb,
    parquet_bytes: formats.parquet.bytes,
    parquet_native_snappy: nativeSnappy,
    jsonl_bytes: formats.jsonl.bytes,
    db_empty_rss_mb: dbEmptyMb,
    db_seeded_rss_mb: dbSeededMb,
    db_idle_rss_mb: dbIdleMb,
    app_peak_rss_mb: appPeak.total,
    other_query_max_wait_ms: Math.round(probeMaxMs),
    app_peak_detail_mb: appPeak,
    target_app_rss_mb: bench.pid ? TARGET_APP_RSS_MB : undefined,
    target_rows_per_s: TARGET_ROWS_PER_S,
    target_peak_rss_mb: TARGET_RSS_MB,
    pass:
      exp.rowCount === seeded &&
      rowsPerS >= TARGET_ROWS_PER_S &&
      childRssMb < TARGET_RSS_MB &&
      parentPeakMb < TARGET_RSS_MB &&
      (!bench.pid || appPeak.total < TARGET_APP_RSS_MB) &&
      perS(formats.parquet) >= TARGET_ROWS_PER_S &&
      formats.parquet.max_rss_mb < TARGET_RSS_MB,
  }),
);
