// Results a researcher must not read as success: a reward model below chance on held-out pairs, a
// metric that became NaN or infinite, a training loss that ends above where it began. Pure: the
// run page shows each as a warning badge beside the status; tests/runs/ui-run-warnings.test.ts checks them.
import { normalizeMetricName } from "./chart-groups";
import { formatValue } from "./format";
import { metricInfo } from "./metric-info";
import type { Series, SeriesMap } from "./metric-series";

export type RunWarning = { id: "below-chance" | "not-finite" | "loss-rising"; title: string; detail: string };

const find = (series: SeriesMap, names: string[]): [string, Series] | undefined =>
  Object.entries(series).find(([raw]) => names.includes(normalizeMetricName(raw)));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Losses a run minimises, per kind: these should end lower than they start. */
const LOSSES: Record<string, string[]> = { pretrain: ["loss"], sft: ["loss"], reward_model: ["loss"] };

/** Points needed before a rising loss is called (a few noisy steps prove nothing). */
const MIN_POINTS_FOR_TREND = 8;

export function runWarnings(kind: string, series: SeriesMap): RunWarning[] {
  const out: RunWarning[] = [];
  if (kind === "reward_model") {
    const acc = find(series, ["valaccuracy"]);
    const last = acc?.[1].values.at(-1);
    if (last !== undefined && last < 0.5)
      out.push({
        id: "below-chance",
        title: "Below chance",
        detail: `Held-out accuracy is ${formatValue(last)}, below chance (0.5): the model scores the rejected answer higher more often than the chosen one.`,
      });
  }
  const firstBad = (s: Series) => s.nonFinite?.[0] ?? Infinity;
  const broken = Object.entries(series)
    .filter(([, s]) => s.nonFinite?.length)
    .sort((a, b) => firstBad(a[1]) - firstBad(b[1]));
  const [worst] = broken;
  if (worst) {
    const [raw, s] = worst;
    out.push({
      id: "not-finite",
      title: "Diverged",
      detail: `${metricInfo(raw).label} became NaN or infinite at ${kind === "ppo" ? "iteration" : "step"} ${firstBad(s)}${broken.length > 1 ? ` (and ${broken.length - 1} other metric${broken.length > 2 ? "s" : ""})` : ""}.`,
    });
  }
  const loss = find(series, LOSSES[kind] ?? []);
  if (loss && loss[1].values.length >= MIN_POINTS_FOR_TREND) {
    const v = loss[1].values;
    const n = Math.max(2, Math.ceil(v.length / 5));
    const first = mean(v.slice(0, n));
    const last = mean(v.slice(-n));
    if (last > first * 1.05)
      out.push({
        id: "loss-rising",
        title: "Loss rising",
        detail: `Training loss ends higher than it began (last fifth of steps ${formatValue(last)}, first fifth ${formatValue(first)}): try a lower learning rate.`,
      });
  }
  return out;
}
