// The simulated labelers of bench:queue, in a process of their own (forked by bench/queue.ts), so
// that their timing shares no event loop with the web server or with the embedded database, which
// bench/queue.ts serves in its own process. Each labeler loops: POST /api/queue/next, think,
// POST /api/tasks/ranking, think. Think time is exponential with a mean the parent sets.
//
// Two modes, chosen by the parent's first message:
//   "drain": every labeler works until the queue is empty (arrivals staggered over one think
//            time); then all samples are sent back.
//   "steps": the labelers work until told to stop; the parent sets the think time step by step
//            ({type: "step"}) and asks for each step's samples ({type: "report"}): requests
//            started after that are not counted, and the answer waits for the step's requests
//            still in flight, so a step's slowest requests are never cut off. A think time that
//            changes mid-sleep is drawn again with the new mean (exponential: memoryless, so the
//            arrivals at once follow the new rate).
// Each sample carries the client-observed latency and the server's own Server-Timing figures.
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import zlib from "node:zlib";

export type ClientStart = { base: string; projectId: string; tokens: string[]; thinkMs: number; mode: "drain" | "steps" };
/** `at`: when the request was sent (epoch ms), to line samples up with the processes' own events (./queue-trace.ts). */
export type Sample = { kind: "next" | "submit"; at: number; ms: number; server: Record<string, number> };
export type ClientReport = {
  type: "report" | "done";
  step: number;
  samples: Sample[];
  /** A labeler found the queue empty during the step. */
  ranDry: boolean;
  /** This process's CPU time (ms) and its event loop's delay (p99, ms) since the last report. */
  cpuMs: number;
  loopDelayP99Ms: number;
};
type Command = { type: "step"; step: number; thinkMs: number } | { type: "report" } | { type: "stop" };

/** Server-Timing `a;dur=1.2, b;dur=3, trips;desc=3` as { a: 1.2, b: 3, trips: 3 } (durations in ms; trips a count). */
function parseServerTiming(value: string | string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of String(value ?? "").split(",")) {
    const m = /^\s*([\w-]+).*;\s*(?:dur|desc)=([\d.]+)/.exec(part);
    if (m) out[m[1]] = Number(m[2]);
    else if (/^\s*direct\s*$/.test(part)) out.direct = 1; // answered by the web server's direct routes (lib/http/direct.ts)
  }
  return out;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
type Answer = { task?: { taskId: string } | null };

/** node:http on kept-alive sockets: a fraction of fetch's CPU per request, and this process's CPU is the instrument's. */
function post(base: string, url: string, token: string, body: unknown): Promise<{ json: Answer; at: number; ms: number; server: Record<string, number> }> {
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
          else resolve({ json, at: performance.timeOrigin + t0, ms, server: parseServerTiming(res.headers["server-timing"]) });
        });
        res.on("error", reject);
      },
    );
    // A kept-alive socket the server closed just as it was reused: send again on a new one, as
    // browsers do (both requests are safe to repeat: next-task resumes the lease, a submit has its id).
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && e.code === "ECONNRESET") void post(base, url, token, body).then(resolve, reject);
      else reject(e);
    });
    req.end(data);
  });
}

let thinkMs = 0;
const sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
const draw = () => -Math.log(1 - Math.random()) * thinkMs;
function think(): Promise<void> {
  return new Promise((wake) => {
    const s = { wake, timer: setTimeout(() => (sleepers.delete(s), wake()), draw()) };
    sleepers.add(s);
  });
}
function setThink(ms: number) {
  thinkMs = ms;
  for (const s of sleepers) {
    clearTimeout(s.timer);
    s.timer = setTimeout(() => (sleepers.delete(s), s.wake()), draw());
  }
}

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
let cpu = process.cpuUsage();
function usage() {
  const d = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  const p99 = loop.percentile(99) / 1e6;
  loop.reset();
  return { cpuMs: (d.user + d.system) / 1000, loopDelayP99Ms: Math.round(p99 * 10) / 10 };
}

// The step a request is counted in (-1: between steps, not counted), its samples and requests in flight.
let step = -1;
let stopping = false;
const samples = new Map<number, Sample[]>();
const inFlight = new Map<number, number>();
const dry = new Set<number>();
let settled: (() => void) | null = null;

async function timed(kind: Sample["kind"], send: () => ReturnType<typeof post>) {
  const s = step;
  inFlight.set(s, (inFlight.get(s) ?? 0) + 1);
  try {
    const r = await send();
    if (!samples.has(s)) samples.set(s, []);
    samples.get(s)!.push({ kind, at: r.at, ms: r.ms, server: r.server });
    return r;
  } finally {
    inFlight.set(s, inFlight.get(s)! - 1);
    if (inFlight.get(s) === 0 && settled) settled();
  }
}

async function labeler(cfg: ClientStart, token: string, i: number) {
  // stagger the arrivals over one think time: they come at the rate the think time sets (before the steps, the first step's)
  await new Promise((r) => setTimeout(r, (i / cfg.tokens.length) * cfg.thinkMs));
  while (!stopping) {
    const n = await timed("next", () => post(cfg.base, "/api/queue/next", token, { projectId: cfg.projectId }));
    if (!n.json.task) {
      if (cfg.mode === "drain") return;
      dry.add(step);
      await think();
      continue;
    }
    await think();
    const tiers = Math.random() < 0.5 ? "A > B > C = D" : "D > C > B > A";
    await timed("submit", () =>
      post(cfg.base, "/api/tasks/ranking", token, { clientId: crypto.randomUUID(), taskId: n.json.task!.taskId, tiers, answers: [], timeSpentMs: 1000 }),
    );
    await think();
  }
}

async function report(type: ClientReport["type"], s: number) {
  while ((inFlight.get(s) ?? 0) > 0) await new Promise<void>((r) => (settled = r));
  settled = null;
  const out: ClientReport = { type, step: s, samples: samples.get(s) ?? [], ranDry: dry.has(s), ...usage() };
  samples.delete(s);
  await new Promise<void>((sent) => process.send!(out, undefined, undefined, () => sent()));
}

process.once("message", (cfg: ClientStart) => {
  setThink(cfg.thinkMs);
  step = cfg.mode === "drain" ? 0 : -1; // steps: a warm-up, not counted, until the first step
  usage();
  const all = Promise.all(cfg.tokens.map((t, i) => labeler(cfg, t, i)));
  if (cfg.mode === "drain") {
    void all.then(() => report("done", 0)).then(() => process.exit(0));
    return;
  }
  process.on("message", (m: Command) => {
    if (m.type === "step") {
      step = m.step;
      usage();
      setThink(m.thinkMs);
    } else if (m.type === "report") {
      const s = step;
      step = -1;
      void report("report", s);
    } else {
      stopping = true;
      setThink(0);
      void all.then(() => process.exit(0));
    }
  });
});
