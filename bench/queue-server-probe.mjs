// bench:queue's probe inside a process of the run (loaded with `--import` into the web server and the
// simulated labelers, imported by bench/queue.ts itself, which serves PGlite; only when BENCH_TRACE is
// set): what that process's main thread was doing when a request was slow. Every 10 ms a timer notes how
// late it fired (the event loop's stall), and over that stall the main thread's CPU time and its
// wait in the kernel's run queue (/proc/thread-self/schedstat: on a CPU, waiting for one). A stall
// the thread spent waiting for a core is the machine; one spent on a CPU is this process's own work
// (a garbage collection, a synchronous burst). Garbage collections are recorded with their kind
// and duration. Events are appended to $BENCH_TRACE.<BENCH_TRACE_ROLE>.jsonl once a second; times are epoch ms.
import fs from "node:fs";
import { PerformanceObserver, constants, performance } from "node:perf_hooks";
import { setInterval } from "node:timers";

const file = `${process.env.BENCH_TRACE}.${process.env.BENCH_TRACE_ROLE ?? "server"}.jsonl`;
const origin = performance.timeOrigin;
const events = [];
const kinds = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) events.push({ type: "gc", t: origin + e.startTime, ms: e.duration, kind: kinds[e.detail?.kind ?? e.kind] ?? "other" });
}).observe({ entryTypes: ["gc"] });

/** [ns on a CPU, ns waiting in the run queue] of this (the main) thread. */
const sched = () => {
  try {
    const [run, wait] = fs.readFileSync("/proc/thread-self/schedstat", "utf8").split(" ").map(Number);
    return [run, wait];
  } catch {
    return [NaN, NaN];
  }
};
const TICK = 10;
let last = performance.now();
let lastSched = sched();
setInterval(() => {
  const now = performance.now();
  const s = sched();
  const lag = now - last - TICK;
  if (lag > 5) events.push({ type: "stall", t: origin + last, ms: lag, cpuMs: (s[0] - lastSched[0]) / 1e6, waitMs: (s[1] - lastSched[1]) / 1e6 });
  last = now;
  lastSched = s;
}, TICK).unref();
const flush = () => {
  if (events.length)
    fs.appendFileSync(
      file,
      events
        .splice(0)
        .map((e) => JSON.stringify(e))
        .join("\n") + "\n",
    );
};
setInterval(flush, 1000).unref();
process.on("exit", flush);
