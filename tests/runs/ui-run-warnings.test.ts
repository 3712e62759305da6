// The run page explains itself: every metric the trainers log has a label and help, charts that
// will never get a point are not drawn, and results below chance or diverged carry a warning.
import { describe, expect, it } from "vitest";
import { chartsFor } from "../../components/runs/chart-groups";
import { METRIC_INFO, metricInfo } from "../../components/runs/metric-info";
import { mergeMetrics, type MetricPoint } from "../../components/runs/metric-series";
import { runWarnings } from "../../components/runs/run-warnings";
import { groupByKind } from "../../components/runs/run-view";

const pts = (name: string, values: (number | null)[], step0 = 1): MetricPoint[] =>
  values.map((value, i) => ({ id: String(i + 1), step: step0 + i, name, value: value as number }));

/** Every metric key the worker's handlers and trainers log (lib/worker/handlers, ml/rlhf, ml/train). */
const LOGGED = [
  "loss",
  "val_loss",
  "lr",
  "grad_norm",
  "tokens_per_sec",
  "copy_ms", // train-lm
  "accuracy",
  "margin",
  "val_accuracy",
  "val_margin",
  "reward_mean",
  "reward_std",
  "shift",
  "scale", // reward model
  "score",
  "kl",
  "objective",
  "beta",
  "entropy",
  "response_length",
  "no_eos_frac", // PPO iteration
  "policy_loss",
  "clip_frac",
  "approx_kl",
  "value_loss",
  "value_clip_frac",
  "ptx_loss", // PPO update
  "steps",
  "stoppedEarly",
  "iterations",
  "valAccuracy",
  "valMargin",
  "rewardMean",
  "rewardStd",
  "valLoss", // model cards
];

describe("metric descriptions", () => {
  it("gives every logged metric a human label and one line of help", () => {
    for (const key of LOGGED) {
      const info = metricInfo(key);
      expect(info.known, key).toBe(true);
      expect(info.label).not.toBe(key);
      expect(info.help.length).toBeGreaterThan(20);
    }
    expect(metricInfo("something_new")).toMatchObject({ label: "something_new", known: false });
    expect(Object.values(METRIC_INFO).every((i) => /[.)]$/.test(i.help))).toBe(true);
  });

  it("titles a chart of an unlisted-group metric with its label and unit, the raw key in the help", () => {
    const charts = chartsFor("ppo", mergeMetrics({}, pts("no_eos_frac", [0.5, 0.25])), {}, { waiting: false });
    expect(charts.map((c) => c.title)).toEqual(["Answers cut off (fraction)"]);
    expect(charts[0].help).toContain('logged as "no_eos_frac"');
  });
});

describe("no empty panels", () => {
  it("a finished PPO run draws only charts with points: no empty loss chart", () => {
    const s = mergeMetrics({}, [...pts("score", [1, 2]), ...pts("kl", [0.1, 0.2]), ...pts("policy_loss", [0.3, 0.2]), ...pts("value_loss", [1, 0.5])]);
    const done = chartsFor("ppo", s, { beta: 0.1 }, { waiting: false });
    expect(done.every((c) => c.lines.length > 0)).toBe(true);
    expect(done.map((c) => c.id)).toEqual(["score", "kl", "objective", "ppoLoss"]);
    expect(done.find((c) => c.id === "ppoLoss")!.lines.map((l) => l.label)).toEqual(["policy", "value"]);
    // while it runs, the kind's charts wait for their first point
    expect(chartsFor("ppo", s, { beta: 0.1 }).some((c) => c.lines.length === 0)).toBe(true);
  });

  it("states on the reward model's margin chart that it is raw while the card is normalised", () => {
    const c = chartsFor("reward_model", mergeMetrics({}, pts("margin", [0.1])), {}, { waiting: false });
    expect(c.find((x) => x.id === "margin")!.note).toMatch(/raw.*normalised/i);
  });
});

describe("runWarnings", () => {
  it("flags a reward model whose held-out accuracy is below chance, and not one at or above it", () => {
    const below = runWarnings("reward_model", mergeMetrics({}, pts("val_accuracy", [0.6, 0.45])));
    expect(below.map((w) => w.id)).toEqual(["below-chance"]);
    expect(below[0].detail).toContain("0.45");
    expect(runWarnings("reward_model", mergeMetrics({}, pts("val_accuracy", [0.4, 0.5])))).toEqual([]);
  });

  it("flags a metric that became NaN (it arrives as null through JSON), at the step it did", () => {
    const w = runWarnings("sft", mergeMetrics({}, pts("loss", [3, 2.5, null, null])));
    expect(w.map((x) => x.id)).toEqual(["not-finite"]);
    expect(w[0].detail).toBe("Training loss became NaN or infinite at step 3.");
    expect(runWarnings("ppo", mergeMetrics({}, pts("approx_kl", [0.1, NaN])))[0].detail).toContain("iteration 2");
  });

  it("flags a training loss that ends above where it began, not a noisy falling one", () => {
    const rising = [3, 3.1, 3.3, 3.6, 4, 4.5, 5, 6, 7, 8];
    expect(runWarnings("pretrain", mergeMetrics({}, pts("loss", rising))).map((w) => w.id)).toEqual(["loss-rising"]);
    const falling = [3, 2.5, 2.7, 2.2, 2.4, 2.0, 2.1, 1.8, 1.9, 1.7];
    expect(runWarnings("pretrain", mergeMetrics({}, pts("loss", falling)))).toEqual([]);
    expect(runWarnings("pretrain", mergeMetrics({}, pts("loss", [1, 2, 3])))).toEqual([]); // too few points to say
  });
});

describe("Compare with", () => {
  it("lists runs of the same kind first, then the rest, each in the order given", () => {
    const runs = [
      { id: "1", kind: "sft" },
      { id: "2", kind: "ppo" },
      { id: "3", kind: "sft" },
    ];
    expect(groupByKind("ppo", runs).map((g) => [g.label, g.runs.map((r) => r.id)])).toEqual([
      ["PPO runs", ["2"]],
      ["Other kinds", ["1", "3"]],
    ]);
    expect(groupByKind("pretrain", runs).map((g) => g.label)).toEqual(["Other kinds"]);
  });
});
