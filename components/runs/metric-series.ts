// Metric points polled from GET /api/runs/[id]/metrics, kept as one series per metric name, and
// laid out the way uPlot wants them (one shared x array, a y array per series, gaps as null).
// Plain functions: the chart components call them, tests/runs/ui-metric-series.test.ts checks them.

export type MetricPoint = { id: string | number; step: number; name: string; value: number };
/** `nonFinite`: steps where the trainer logged NaN or ±Infinity (not drawable; a sign of divergence). */
export type Series = { steps: number[]; values: number[]; nonFinite?: number[] };
export type SeriesMap = Record<string, Series>;
/** uPlot's data layout: xs, then one array per series (null where that series has no point). */
export type AlignedData = [number[], ...(number | null)[][]];

/** The larger of two metric ids (RunMetric.id is a bigint, sent as a string or a number). */
function maxMetricId(a: string | undefined, b: string | number | undefined): string | undefined {
  if (b === undefined || b === null) return a;
  const s = String(b);
  if (a === undefined) return s;
  return BigInt(s) > BigInt(a) ? s : a;
}

/** The id to send as `after` next time: the largest id seen so far. */
export function lastMetricId(points: MetricPoint[], prev?: string): string | undefined {
  let last = prev;
  for (const p of points) last = maxMetricId(last, p.id);
  return last;
}

/** First index in the sorted `steps` whose value is >= step. */
function lowerBound(steps: number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    // lo <= mid < hi <= steps.length
    if (steps[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Adds points to the series, returning a new map (series that changed are new objects, so React
 * sees the change). Each series stays sorted by step; a step seen again (a resumed run repeating
 * a step) replaces the old value. Non-finite values are dropped: a chart cannot draw them.
 */
export function mergeMetrics(prev: SeriesMap, points: MetricPoint[]): SeriesMap {
  if (points.length === 0) return prev;
  const next: SeriesMap = { ...prev };
  const copied = new Set<string>();
  for (const p of points) {
    if (!Number.isFinite(p.step)) continue;
    let s = next[p.name];
    if (s === undefined || !copied.has(p.name)) {
      s = s ? { ...s, steps: s.steps.slice(), values: s.values.slice() } : { steps: [], values: [] };
      next[p.name] = s;
      copied.add(p.name);
    }
    // NaN arrives as null through JSON: kept aside, so the page can say the run diverged.
    if (typeof p.value !== "number" || !Number.isFinite(p.value)) {
      s.nonFinite = [...(s.nonFinite ?? []), p.step];
      continue;
    }
    const last = s.steps.at(-1);
    if (last === undefined || last < p.step) {
      s.steps.push(p.step);
      s.values.push(p.value);
      continue;
    }
    const i = lowerBound(s.steps, p.step);
    if (s.steps[i] === p.step) s.values[i] = p.value;
    else {
      s.steps.splice(i, 0, p.step);
      s.values.splice(i, 0, p.value);
    }
  }
  return next;
}

/** Series on one shared x axis: the union of their steps, each series null where it has no point. */
export function alignSeries(list: (Series | undefined)[]): AlignedData {
  const all = new Set<number>();
  for (const s of list) if (s) for (const x of s.steps) all.add(x);
  const xs = [...all].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = list.map((s) => {
    const y: (number | null)[] = new Array(xs.length).fill(null);
    if (s) s.steps.forEach((x, i) => (y[index.get(x)!] = s.values[i] ?? null));
    return y;
  });
  return [xs, ...ys];
}

/** The last point of a series, for the text summary next to a chart. */
function lastPoint(s: Series | undefined): { step: number; value: number } | undefined {
  const step = s?.steps.at(-1);
  const value = s?.values.at(-1);
  return step === undefined || value === undefined ? undefined : { step, value };
}

/** min, max and last of a series, or undefined when it is empty. */
export function summarize(s: Series | undefined): { last: number; step: number; min: number; max: number; points: number } | undefined {
  const last = lastPoint(s);
  if (!s || !last) return undefined;
  let min = Infinity;
  let max = -Infinity;
  for (const v of s.values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { last: last.value, step: last.step, min, max, points: s.values.length };
}

/**
 * A series computed point by point from others at the steps where all of them have a value,
 * e.g. PPO's objective score − β·KL from `score` and `kl`.
 */
export function deriveSeries(inputs: (Series | undefined)[], fn: (...values: number[]) => number): Series | undefined {
  if (inputs.some((s) => !s || s.steps.length === 0)) return undefined;
  const maps = inputs.map((s) => new Map(s!.steps.map((x, i) => [x, s!.values[i]])));
  const out: Series = { steps: [], values: [] };
  for (const x of inputs[0]!.steps) {
    const vals = maps.map((m) => m.get(x));
    if (vals.some((v) => v === undefined)) continue;
    const v = fn(...(vals as number[]));
    if (!Number.isFinite(v)) continue;
    out.steps.push(x);
    out.values.push(v);
  }
  return out.steps.length ? out : undefined;
}
