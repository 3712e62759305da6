// The shapes the runs pages pass around: lib/runs' views as they travel as JSON (dates as strings).
import type { listRuns, RunDetail } from "@/lib/runs/queries";

/** T as JSON.stringify leaves it: Dates become strings. */
export type Jsonify<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonify<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonify<T[K]> }
      : T;

/** One row of listRuns (queries.ts's RunSummary loses the fields: ReturnType of a generic function). */
export type RunSummaryJson = Jsonify<Awaited<ReturnType<typeof listRuns>>[number]>;
export type RunDetailJson = Jsonify<RunDetail>;

/** A server value as the browser will see it from the API. */
export const toJson = <T,>(v: T): Jsonify<T> => JSON.parse(JSON.stringify(v)) as Jsonify<T>;
