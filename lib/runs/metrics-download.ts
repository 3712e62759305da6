// A run's metrics as files others read: CSV (step, metric, value, time) and a TensorBoard event file
// (./tfevents.ts). Both stream from the database a page at a time, so a long run's metrics are never
// held whole.
import "server-only";
import os from "node:os";
import { db } from "../db";
import { notFound } from "../errors";
import { fileVersionRecord, tfRecord, eventBytes } from "./tfevents";
import { isId } from "../validation/id";

const PAGE = 5000;

type Point = { id: bigint; step: number; name: string; value: number; createdAt: Date };

async function* points(runId: string): AsyncGenerator<Point[]> {
  let after: bigint | undefined;
  for (;;) {
    const rows = await db.runMetric.findMany({
      where: { runId, ...(after !== undefined ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, step: true, name: true, value: true, createdAt: true },
    });
    if (!rows.length) return;
    yield rows;
    after = rows.at(-1)!.id; // rows is not empty
  }
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function metricsCsvLines(rows: Point[]): string {
  return rows.map((r) => `${r.step},${cell(r.name)},${r.value},${r.createdAt.toISOString()}\n`).join("");
}

/** The records of a page of points: one Event per run of consecutive points with the same step. */
function eventRecords(rows: Point[]): Buffer[] {
  const out: Buffer[] = [];
  let group: Point[] = [];
  const flush = () => {
    const first = group[0];
    if (first)
      out.push(
        tfRecord(eventBytes({ wallTime: first.createdAt.getTime() / 1000, step: first.step, scalars: group.map((p) => ({ tag: p.name, value: p.value })) })),
      );
    group = [];
  };
  for (const p of rows) {
    if (group[0] !== undefined && group[0].step !== p.step) flush();
    group.push(p);
  }
  flush();
  return out;
}

async function runOf(id: string) {
  const run = isId(id) ? await db.trainingRun.findUnique({ where: { id }, select: { id: true, name: true, createdAt: true } }) : null;
  if (!run) throw notFound("The run");
  return run;
}

function streamOf(chunks: () => AsyncGenerator<Uint8Array | string>): ReadableStream<Uint8Array> {
  const it = chunks();
  return new ReadableStream({
    async pull(c) {
      const { done, value } = await it.next();
      if (done) c.close();
      else c.enqueue(typeof value === "string" ? new TextEncoder().encode(value) : value);
    },
    async cancel() {
      await it.return(undefined);
    },
  });
}

const headers = (type: string, name: string) => ({
  "content-type": type,
  "content-disposition": `attachment; filename="${name}"`,
  "cache-control": "private, no-store",
});

/** GET …/metrics.csv: step,metric,value,time (ISO 8601), oldest first. */
export async function metricsCsvResponse(runId: string): Promise<Response> {
  const run = await runOf(runId);
  const body = streamOf(async function* () {
    yield "step,metric,value,time\n";
    for await (const rows of points(run.id)) yield metricsCsvLines(rows);
  });
  return new Response(body, { headers: headers("text/csv; charset=utf-8", `run-${run.id.slice(0, 8)}-metrics.csv`) });
}

/** GET …/tensorboard: an events.out.tfevents.* file; put it in a folder and run `tensorboard --logdir` on it. */
export async function metricsTensorboardResponse(runId: string): Promise<Response> {
  const run = await runOf(runId);
  const start = run.createdAt.getTime() / 1000;
  const body = streamOf(async function* () {
    yield fileVersionRecord(start);
    for await (const rows of points(run.id)) yield Buffer.concat(eventRecords(rows));
  });
  const name = `events.out.tfevents.${Math.floor(start)}.${os.hostname().replace(/[^\w.-]/g, "_")}.${run.id.slice(0, 8)}`;
  return new Response(body, { headers: headers("application/octet-stream", name) });
}
