import { describe, expect, it } from "vitest";
import { chartsFor, compareCharts, normalizeMetricName } from "../../components/runs/chart-groups";
import { lineStyles } from "../../components/runs/chart-style";
import { alignSeries, deriveSeries, lastMetricId, mergeMetrics, summarize, type MetricPoint } from "../../components/runs/metric-series";

const pts = (name: string, rows: [number, number][], firstId = 1): MetricPoint[] =>
  rows.map(([step, value], i) => ({ id: String(firstId + i), step, name, value }));

describe("mergeMetrics", () => {
  it("appends points in step order and keeps one series per name", () => {
    let s = mergeMetrics({}, [
      ...pts("loss", [
        [1, 3],
        [2, 2.5],
      ]),
      ...pts("val_loss", [[2, 2.9]], 10),
    ]);
    s = mergeMetrics(s, pts("loss", [[3, 2.1]], 20));
    expect(s.loss).toEqual({ steps: [1, 2, 3], values: [3, 2.5, 2.1] });
    expect(s.val_loss).toEqual({ steps: [2], values: [2.9] });
  });

  it("puts a late point in its place and lets a repeated step replace the old value (a resumed run)", () => {
    let s = mergeMetrics(
      {},
      pts("loss", [
        [1, 3],
        [4, 1],
      ]),
    );
    s = mergeMetrics(
      s,
      pts(
        "loss",
        [
          [2, 2],
          [4, 0.9],
          [3, 1.5],
        ],
        5,
      ),
    );
    expect(s.loss).toEqual({ steps: [1, 2, 3, 4], values: [3, 2, 1.5, 0.9] });
  });

  it("keeps non-finite values off the chart (noting their steps) and never mutates the previous map", () => {
    const before = mergeMetrics({}, pts("loss", [[1, 3]]));
    const frozen = JSON.stringify(before);
    const after = mergeMetrics(before, [
      ...pts(
        "loss",
        [
          [2, NaN],
          [3, Infinity],
          [4, 1],
        ],
        9,
      ),
    ]);
    expect(JSON.stringify(before)).toBe(frozen);
    expect(after.loss).toEqual({ steps: [1, 4], values: [3, 1], nonFinite: [2, 3] });
    expect(after).not.toBe(before);
    expect(mergeMetrics(after, [])).toBe(after);
  });
});

describe("lastMetricId", () => {
  it("compares ids as bigints, not as text", () => {
    expect(
      lastMetricId([
        { id: "9", step: 1, name: "a", value: 1 },
        { id: "10", step: 2, name: "a", value: 1 },
      ]),
    ).toBe("10");
    expect(lastMetricId([], "123")).toBe("123");
    expect(lastMetricId([{ id: "9007199254740993", step: 1, name: "a", value: 1 }], "9007199254740992")).toBe("9007199254740993");
  });
});

describe("alignSeries", () => {
  it("puts series on the union of their steps with nulls for gaps", () => {
    const [xs, a, b] = alignSeries([{ steps: [1, 2, 4], values: [10, 20, 40] }, { steps: [2, 3], values: [5, 6] }, undefined]);
    expect(xs).toEqual([1, 2, 3, 4]);
    expect(a).toEqual([10, 20, null, 40]);
    expect(b).toEqual([null, 5, 6, null]);
  });
});

describe("summarize and deriveSeries", () => {
  it("gives last, min and max", () => {
    expect(summarize({ steps: [1, 2, 3], values: [2, -1, 0.5] })).toEqual({ last: 0.5, step: 3, min: -1, max: 2, points: 3 });
    expect(summarize({ steps: [], values: [] })).toBeUndefined();
  });
  it("computes only where every input has the step", () => {
    const d = deriveSeries(
      [
        { steps: [1, 2, 3], values: [1, 2, 3] },
        { steps: [2, 3], values: [10, 20] },
      ],
      (s, k) => s - 0.1 * k,
    );
    expect(d?.steps).toEqual([2, 3]);
    expect(d?.values[0]).toBeCloseTo(1);
    expect(d?.values[1]).toBeCloseTo(1);
  });
});

describe("chartsFor", () => {
  it("groups train and validation loss on one chart whatever the name's spelling", () => {
    expect(normalizeMetricName("val_Loss")).toBe("valloss");
    const s = mergeMetrics({}, [...pts("loss", [[1, 2]]), ...pts("valLoss", [[1, 2.2]], 5), ...pts("grad_norm", [[1, 0.7]], 9)]);
    const charts = chartsFor("sft", s);
    expect(charts.map((c) => c.id)).toEqual(["loss", "metric:grad_norm"]);
    expect(charts[0].lines.map((l) => l.label)).toEqual(["train", "validation"]);
  });

  it("shows a reward model's loss, accuracy and margin, waiting charts included", () => {
    const charts = chartsFor("reward_model", mergeMetrics({}, pts("accuracy", [[1, 0.6]])));
    expect(charts.map((c) => [c.id, c.lines.length])).toEqual([
      ["loss", 0],
      ["accuracy", 1],
      ["margin", 0],
    ]);
  });

  it("derives PPO's score − β·KL from the config's β when the trainer does not log it", () => {
    const s = mergeMetrics({}, [
      ...pts("score", [
        [1, 1],
        [2, 2],
      ]),
      ...pts(
        "kl",
        [
          [1, 10],
          [2, 20],
        ],
        5,
      ),
    ]);
    const obj = chartsFor("ppo", s, { beta: 0.02 }).find((c) => c.id === "objective")!;
    expect(obj.lines).toHaveLength(1);
    expect(obj.lines[0].series.values[0]).toBeCloseTo(0.8);
    expect(obj.lines[0].series.values[1]).toBeCloseTo(1.6);
    // without β there is nothing honest to draw
    expect(chartsFor("ppo", s, {}).find((c) => c.id === "objective")!.lines).toHaveLength(0);
    // a logged objective wins
    const logged = mergeMetrics(s, pts("objective", [[1, 42]], 50));
    expect(chartsFor("ppo", logged, { beta: 0.02 }).find((c) => c.id === "objective")!.lines[0].series.values).toEqual([42]);
  });

  it("compares two runs on the same charts, A's lines then B's", () => {
    const a = { kind: "sft", series: mergeMetrics({}, pts("loss", [[1, 2]])) };
    const b = { kind: "sft", series: mergeMetrics({}, [...pts("loss", [[1, 3]]), ...pts("lr", [[1, 1e-4]], 3)]) };
    const charts = compareCharts(a, b);
    expect(charts.map((c) => c.id)).toEqual(["loss", "metric:lr"]);
    expect(charts[0].lines.map((l) => l.label)).toEqual(["A · train", "B · train"]);
    expect(charts[1].lines.map((l) => l.label)).toEqual(["B · Learning rate"]);
  });
});

describe("lineStyles", () => {
  it("gives the same metric of two compared runs one colour, B dashed", () => {
    const s = lineStyles(["A · train", "A · validation", "B · train", "B · validation", "B · lr"]);
    expect(s[0].color).toBe(s[2].color);
    expect(s[1].color).toBe(s[3].color);
    expect(new Set([s[0].color, s[1].color, s[4].color]).size).toBe(3);
    expect(s.map((x) => x.dashed)).toEqual([false, false, true, true, true]);
    expect(lineStyles(["train", "validation"]).map((x) => x.dashed)).toEqual([false, false]);
  });
});
