// The shapes the runs pages pass around: lib/runs' views as they travel as JSON (dates as strings).
import type { Jsonify } from "@/lib/runs/json";
import type { listRuns, RunDetail } from "@/lib/runs/queries";

/** One row of listRuns (queries.ts's RunSummary loses the fields: ReturnType of a generic function). */
export type RunSummaryJson = Jsonify<Awaited<ReturnType<typeof listRuns>>[number]>;
export type RunDetailJson = Jsonify<RunDetail>;
