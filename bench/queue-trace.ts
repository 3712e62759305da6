// bench:queue with BENCH_TRACE: what the slow requests coincided with. It reads every request's
// send time and figures (<prefix>.samples.jsonl) and each process's events (./queue-server-probe.mjs:
// <prefix>.server|clients|db.jsonl: event-loop stalls with the main thread's CPU and run-queue wait
// over them, garbage collections), and sums, per phase of the run, how much of the slow requests'
// time the web server's loop was stalled, how much of that stall its thread waited for a core (the
// machine) or ran (its own work), how much was garbage collection, and how much the clients' own
// loop was stalled (the instrument). A per-second series goes to <prefix>.series.tsv.
import fs from "node:fs";
import { percentile, round } from "./db";
import type { Sample } from "./queue-clients";

type Stall = { type: "stall"; t: number; ms: number; cpuMs: number; waitMs: number };
type Gc = { type: "gc"; t: number; ms: number; kind: string };
type Event = Stall | Gc;
type Traced = Sample & { phase: string };
const TICK = 10; // the probe's timer period (ms)

function readLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

export function writeSamples(prefix: string, phase: string, samples: Sample[]): void {
  fs.appendFileSync(`${prefix}.samples.jsonl`, samples.map((s) => JSON.stringify({ phase, ...s })).join("\n") + "\n");
}

/** The interval [from, to) (epoch ms) an event covers: a stall, the time after the tick that was due. */
const span = (e: Event): [number, number] => (e.type === "stall" ? [e.t + TICK, e.t + TICK + e.ms] : [e.t, e.t + e.ms]);
const overlap = (a: [number, number], b: [number, number]) => Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));

/** Per request: ms of it covered by each kind of event of one process (an event partly covered counts in proportion). */
function covered(req: [number, number], events: Event[]) {
  let stall = 0;
  let wait = 0;
  let cpu = 0;
  let gc = 0;
  for (const e of events) {
    const s = span(e);
    if (s[1] < req[0] || s[0] > req[1]) continue;
    const o = overlap(req, s);
    if (e.type === "gc") gc += o;
    else {
      const f = o / Math.max(e.ms, 1e-9);
      stall += o;
      // over the tick and the stall the thread was on a CPU for cpuMs and waited for one for waitMs
      const total = e.ms + TICK;
      wait += (f * e.ms * e.waitMs) / total;
      cpu += (f * e.ms * e.cpuMs) / total;
    }
  }
  return { stall, wait, cpu, gc };
}

const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);

/** The summary lines, one per phase; the per-second series is written to <prefix>.series.tsv. */
export function traceSummary(prefix: string, sloMs: number): string[] {
  const samples = readLines<Traced>(`${prefix}.samples.jsonl`);
  const server = readLines<Event>(`${prefix}.server.jsonl`).sort((a, b) => a.t - b.t);
  const clients = readLines<Event>(`${prefix}.clients.jsonl`).filter((e) => e.type === "stall");
  const db = readLines<Event>(`${prefix}.db.jsonl`);
  const out: string[] = [];
  const phases = [...new Set(samples.map((s) => s.phase))];
  for (const phase of phases) {
    const mine = samples.filter((s) => s.phase === phase);
    if (!mine.length) continue;
    const from = Math.min(...mine.map((s) => s.at));
    const to = Math.max(...mine.map((s) => s.at + s.ms));
    const inPhase = (e: Event) => span(e)[1] >= from && span(e)[0] <= to;
    const stalls = server.filter((e): e is Stall => e.type === "stall" && inPhase(e));
    const gcs = server.filter((e): e is Gc => e.type === "gc" && inPhase(e));
    const slow = mine.filter((s) => s.ms >= sloMs);
    const cover = slow.map((s) => {
      const req: [number, number] = [s.at, s.at + s.ms];
      return { ms: s.ms, server: covered(req, server), clients: covered(req, clients), db: covered(req, db) };
    });
    const slowMs = sum(cover.map((c) => c.ms));
    const pct = (x: number) => `${round((100 * x) / Math.max(slowMs, 1e-9))}%`;
    const gcBy = new Map<string, number[]>();
    for (const g of gcs) gcBy.set(g.kind, [...(gcBy.get(g.kind) ?? []), g.ms]);
    const seconds = (to - from) / 1000;
    out.push(
      `[trace ${phase}] ${mine.length} requests in ${round(seconds)} s, ${slow.length} at or over ${sloMs} ms (${round((100 * slow.length) / mine.length)}%). ` +
        `Web server loop: ${stalls.length} stalls over 5 ms, ${round(sum(stalls.map((s) => s.ms)))} ms in all (longest ${round(Math.max(0, ...stalls.map((s) => s.ms)))} ms), ` +
        `main thread over them ${round(sum(stalls.map((s) => s.waitMs)))} ms waiting for a core, ${round(sum(stalls.map((s) => s.cpuMs)))} ms on one; ` +
        `GC ${[...gcBy].map(([k, v]) => `${k} ${v.length}x ${round(sum(v))} ms (max ${round(Math.max(...v))})`).join(", ") || "none"}.`,
    );
    if (slow.length)
      out.push(
        `[trace ${phase}] of the slow requests' ${round(slowMs)} ms: web server loop stalled ${pct(sum(cover.map((c) => c.server.stall)))} ` +
          `(its thread waiting for a core ${pct(sum(cover.map((c) => c.server.wait)))}, running ${pct(sum(cover.map((c) => c.server.cpu)))}; GC ${pct(sum(cover.map((c) => c.server.gc)))}), ` +
          `clients' loop stalled ${pct(sum(cover.map((c) => c.clients.stall)))} (waiting for a core ${pct(sum(cover.map((c) => c.clients.wait)))}), ` +
          `the bench process's loop (PGlite's server, when embedded) stalled ${pct(sum(cover.map((c) => c.db.stall)))}; ` +
          `slow requests with no web server stall >= 20 ms over them: ${slowWithout(slow, server)}.`,
      );
  }
  writeSeries(prefix, samples, server, clients);
  return out;
}

/** Slow requests over which the web server's loop never stalled 20 ms or more. */
function slowWithout(slow: Traced[], server: Event[]): number {
  return slow.filter((s) => !server.some((e) => e.type === "stall" && e.ms >= 20 && overlap(span(e), [s.at, s.at + s.ms]) > 0)).length;
}

function writeSeries(prefix: string, samples: Traced[], server: Event[], clients: Event[]) {
  const buckets = new Map<number, { ms: number[]; stall: number; wait: number; cpu: number; gc: number; clientStall: number }>();
  const at = (t: number) => {
    const k = Math.floor(t / 1000);
    if (!buckets.has(k)) buckets.set(k, { ms: [], stall: 0, wait: 0, cpu: 0, gc: 0, clientStall: 0 });
    return buckets.get(k)!;
  };
  for (const s of samples) at(s.at).ms.push(s.ms);
  for (const e of server) {
    const b = at(e.t);
    if (e.type === "gc") b.gc += e.ms;
    else {
      b.stall += e.ms;
      b.wait += e.waitMs;
      b.cpu += e.cpuMs;
    }
  }
  for (const e of clients) at(e.t).clientStall += e.ms;
  const rows = [...buckets].sort((a, b) => a[0] - b[0]);
  const t0 = rows[0]?.[0] ?? 0;
  const lines = ["second\trequests\tp50_ms\tmax_ms\tserver_stall_ms\tserver_wait_ms\tserver_cpu_in_stalls_ms\tserver_gc_ms\tclients_stall_ms"];
  for (const [k, b] of rows) {
    const s = b.ms.sort((x, y) => x - y);
    lines.push(
      [k - t0, s.length, round(percentile(s, 50)), round(s.at(-1) ?? 0), round(b.stall), round(b.wait), round(b.cpu), round(b.gc), round(b.clientStall)].join(
        "\t",
      ),
    );
  }
  fs.writeFileSync(`${prefix}.series.tsv`, lines.join("\n") + "\n");
}
