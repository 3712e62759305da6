// What the truncation policy did to a run's data (ml/train/truncate-report.ts: metrics logged once,
// before the first step), with the labels the run page shows them under. They are counts, not
// curves, so the charts leave them out.
import { normalizeMetricName } from "./chart-groups";
import type { SeriesMap } from "./metric-series";

export const DATA_FIT_METRICS = [
  { name: "data_examples", label: "Examples in the data" },
  { name: "data_prompt_shortened", label: "Prompt shortened (cut from the left)" },
  { name: "data_response_truncated", label: "Response cut at the end" },
  { name: "data_skipped", label: "Skipped (response too long)" },
  { name: "data_response_tokens_dropped", label: "Response tokens dropped" },
] as const;

let names: Set<string> | undefined; // built on first use: chart-groups imports this module

export function isDataFitMetric(name: string): boolean {
  names ??= new Set(DATA_FIT_METRICS.map((m) => normalizeMetricName(m.name)));
  return names.has(normalizeMetricName(name));
}

export type DataFitRow = { name: string; label: string; value: number };

/** The counts a run reported (its latest report: a resumed run reports again), in table order; empty when none. */
export function dataFitRows(series: SeriesMap): DataFitRow[] {
  const rows: DataFitRow[] = [];
  for (const m of DATA_FIT_METRICS) {
    const value = series[m.name]?.values.at(-1);
    if (value !== undefined) rows.push({ name: m.name, label: m.label, value });
  }
  return rows;
}

/** True when any response token was lost (cut or skipped): the page flags it. */
export const lostResponses = (rows: readonly DataFitRow[]) =>
  rows.some((r) => (r.name === "data_response_truncated" || r.name === "data_skipped") && r.value > 0);
