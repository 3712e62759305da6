// Where a request's milliseconds go, measured inside the web server and sent back in a
// `Server-Timing` header (browsers' devtools show it; bench:queue reads it to tell the server's
// share of a latency from the client's and the machine's). The route wrapper (lib/http/handler)
// opens one record per request; the hot paths add to it:
//   auth  looking up the caller (API token or session),
//   pool  waiting for a pooled database connection,
//   sql   the database round trips, as the server saw them (query sent to answer parsed),
//   tx    a transaction from BEGIN to COMMIT (its sql, plus the server's own work between statements),
//   app   the whole handler (parsing, the above, building the answer),
//   trips the number of database round trips (a count, sent as `trips;desc=5`: each is a wait for
//         the database and for this process's event loop, which is what a busy server's tail is made of).
// Outside a request (tests, scripts) adding is a no-op. Durations and the count only: nothing else is sent.
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

export type Timings = Map<string, number>;
const current = new AsyncLocalStorage<Timings>();

/** Runs fn with a fresh timing record for what it awaits; returns its result and the record. */
export async function withTimings<T>(fn: () => Promise<T>): Promise<{ result: T; timings: Timings }> {
  const timings: Timings = new Map();
  const result = await current.run(timings, fn);
  return { result, timings };
}

/** Adds ms to `name` in the current request's record (none outside a request: nothing happens). */
export function addTiming(name: string, ms: number): void {
  const t = current.getStore();
  if (t) t.set(name, (t.get(name) ?? 0) + ms);
}

const TRIPS = "trips";

/** Counts one database round trip (several statements sent together and answered together are one). */
export function countTrip(): void {
  addTiming(TRIPS, 1);
}

/** Awaits fn and adds its wall time to `name`. */
export async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    addTiming(name, performance.now() - t0);
  }
}

/** The header's value: `auth;dur=0.41, sql;dur=2.10, trips;desc=3, app;dur=3.02` (ms, two decimals). */
function serverTimingValue(timings: Timings): string {
  return [...timings].map(([name, v]) => (name === TRIPS ? `${name};desc=${v}` : `${name};dur=${v.toFixed(2)}`)).join(", ");
}

/** Sets the header on a response; a response whose headers cannot change (a redirect) is left as it is. */
export function setServerTiming(res: Response, timings: Timings): Response {
  try {
    res.headers.set("server-timing", serverTimingValue(timings));
  } catch {
    /* immutable headers */
  }
  return res;
}
