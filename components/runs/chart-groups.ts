// Which charts a run page draws: a declarative table of known metrics grouped into charts, each
// kind's charts in order, and every metric the table does not know on a chart of its own (so a
// trainer that logs something new is still shown). Metric names match loosely: "val_loss",
// "valLoss" and "val-loss" are the same metric.
import { isDataFitMetric } from "./data-fit";
import { labelWithUnit, metricInfo, metricTooltip } from "./metric-info";
import { deriveSeries, type Series, type SeriesMap } from "./metric-series";

/** `key`: the metric name as logged (shown in a tooltip). */
export type ChartLine = { label: string; series: Series; key?: string };
/** `help`: one line on what the chart shows; `note`: a caveat shown under it (units, normalisation). */
export type Chart = { id: string; title: string; lines: ChartLine[]; help?: string; note?: string };

type GroupSpec = {
  title: string;
  help: string;
  /** Lines on this chart: a label and the metric names (normalized) that feed it, first found wins. */
  lines: { label: string; names: string[] }[];
};

/** "val_loss", "valLoss", "Val Loss" -> "valloss". */
export const normalizeMetricName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

const CHART_GROUPS = {
  loss: {
    title: "Loss (nats/token)",
    help: "Cross-entropy of the next token; lower is better. Validation rising while training falls means overfitting.",
    lines: [
      { label: "train", names: ["loss", "trainloss"] },
      { label: "validation", names: ["valloss", "validationloss", "evalloss"] },
    ],
  },
  accuracy: {
    title: "Accuracy (fraction of pairs)",
    help: "Share of pairs where the chosen answer scored above the rejected one; 0.5 is chance.",
    lines: [
      { label: "train", names: ["accuracy", "acc", "trainaccuracy", "trainacc", "rewardsaccuracies"] },
      { label: "validation", names: ["valaccuracy", "valacc", "validationaccuracy", "evalaccuracy", "valrewardsaccuracies", "evalrewardsaccuracies"] },
    ],
  },
  margin: {
    title: "Margin (chosen − rejected, raw score)",
    help: "Mean score of the chosen answer minus the rejected one.",
    lines: [
      { label: "train", names: ["margin", "trainmargin", "rewardmargin", "rewardsmargins"] },
      { label: "validation", names: ["valmargin", "validationmargin", "evalmargin", "valrewardsmargins", "evalrewardsmargins"] },
    ],
  },
  implicitReward: {
    title: "Implicit reward β·log(π/π_ref)",
    help: "DPO's reward of an answer: how much more likely the policy makes it than the reference, times β.",
    lines: [
      { label: "chosen", names: ["rewardschosen"] },
      { label: "rejected", names: ["rewardsrejected"] },
      { label: "validation chosen", names: ["valrewardschosen", "evalrewardschosen"] },
      { label: "validation rejected", names: ["valrewardsrejected", "evalrewardsrejected"] },
    ],
  },
  logps: {
    title: "Log-probability of the answers (nats)",
    help: "Summed over the answer's tokens under the policy; both falling together is a known DPO failure.",
    lines: [
      { label: "chosen", names: ["logpschosen"] },
      { label: "rejected", names: ["logpsrejected"] },
      { label: "validation chosen", names: ["vallogpschosen", "evallogpschosen"] },
      { label: "validation rejected", names: ["vallogpsrejected", "evallogpsrejected"] },
    ],
  },
  score: {
    title: "Reward-model score (normalised)",
    help: "Mean score the reward model gives the policy's answers; higher is better.",
    lines: [{ label: "score", names: ["score", "meanscore", "reward", "meanreward", "rmscore"] }],
  },
  kl: {
    title: "KL to the reference policy (nats)",
    help: "How far the policy has moved from where it started; the β·KL penalty holds it back.",
    lines: [{ label: "KL", names: ["kl", "meankl", "klref", "approxkl"] }],
  },
  objective: {
    title: "Score − β·KL",
    help: "What PPO maximises: the score with the KL penalty taken off.",
    lines: [{ label: "score − β·KL", names: ["objective", "scoreminuskl", "penalizedscore", "rlhfreward", "nonscorereward"] }],
  },
  clip: {
    title: "Clipped updates (fraction of tokens)",
    help: "Share of tokens whose probability ratio hit the clip range; high means steps too large.",
    lines: [{ label: "clip fraction", names: ["clipfrac", "clipfraction", "policyclipfrac"] }],
  },
  entropy: {
    title: "Entropy (nats/token)",
    help: "How spread the policy's choices are; a fast drop means collapse onto few answers.",
    lines: [{ label: "entropy", names: ["entropy", "meanentropy"] }],
  },
  length: {
    title: "Answer length (tokens)",
    help: "Mean length of the sampled answers.",
    lines: [{ label: "length", names: ["responselength", "responselen", "meanresponselength", "resplen", "length"] }],
  },
  ppoLoss: {
    title: "PPO losses",
    help: "The clipped policy loss, the value head's error and the pretraining-mix loss; watch for spikes, not the level.",
    lines: [
      { label: "policy", names: ["policyloss"] },
      { label: "value", names: ["valueloss"] },
      { label: "pretraining mix", names: ["ptxloss"] },
    ],
  },
} satisfies Record<string, GroupSpec>;

type ChartGroupId = keyof typeof CHART_GROUPS;

/** The charts each run kind shows, in order (shown as "waiting" until their first point). */
const KIND_CHARTS: Record<string, ChartGroupId[]> = {
  pretrain: ["loss"],
  sft: ["loss"],
  reward_model: ["loss", "accuracy", "margin"],
  ppo: ["score", "kl", "objective", "clip", "entropy", "length", "ppoLoss"],
  dpo: ["loss", "accuracy", "margin", "implicitReward", "kl", "logps"],
  best_of_n: [],
  generate: [],
};

/** β for the derived objective: a logged per-step coefficient wins over the config's constant. */
const BETA_METRICS = ["beta", "klcoef", "klcoefficient", "klbeta"];
const BETA_CONFIG_KEYS = ["beta", "klCoef", "kl_coef", "klCoefficient", "initKlCoef", "klBeta"];

function betaFromConfig(config: Record<string, unknown> | null | undefined): number | undefined {
  for (const k of BETA_CONFIG_KEYS) {
    const v = config?.[k];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** The series by normalized name (when two raw names normalize alike, the first wins). */
function byNormalizedName(series: SeriesMap): Map<string, { raw: string; series: Series }> {
  const m = new Map<string, { raw: string; series: Series }>();
  for (const [raw, s] of Object.entries(series)) {
    if (s.values.length === 0) continue; // only NaN so far: nothing to draw (the warning says it)
    const key = normalizeMetricName(raw);
    if (!m.has(key)) m.set(key, { raw, series: s });
  }
  return m;
}

/**
 * The charts for a run of `kind` with these series: the kind's charts first (a chart with no data
 * yet has no lines), then any other chart group that has data, then one chart per unknown metric.
 */
export function chartsFor(kind: string, series: SeriesMap, config?: Record<string, unknown> | null, { waiting = true }: { waiting?: boolean } = {}): Chart[] {
  const byName = byNormalizedName(series);
  const used = new Set<string>();
  const take = (names: string[]) => {
    for (const n of names) {
      const hit = byName.get(n);
      if (hit) {
        used.add(n);
        return hit;
      }
    }
    return undefined;
  };
  const build = (id: ChartGroupId): Chart => {
    const spec: GroupSpec = CHART_GROUPS[id];
    const lines: ChartLine[] = [];
    for (const l of spec.lines) {
      const hit = take(l.names);
      if (hit) lines.push({ label: l.label, series: hit.series, key: hit.raw });
    }
    if (id === "objective" && lines.length === 0) {
      const derived = deriveObjective(byName, config);
      if (derived) lines.push({ label: "score − β·KL", series: derived });
    }
    const note = kind === "reward_model" && id === "margin" ? MARGIN_NOTE : undefined;
    // A reward model's loss is over pairs, not next tokens.
    const own = kind === "reward_model" && id === "loss" ? REWARD_LOSS : { title: spec.title, help: spec.help };
    return { id, ...own, lines, ...(note ? { note } : {}) };
  };

  const first = KIND_CHARTS[kind] ?? ["loss"];
  // A chart with no points yet is shown only while points may still come (no empty panels after).
  const charts = first.map(build).filter((c) => waiting || c.lines.length > 0);
  for (const id of Object.keys(CHART_GROUPS) as ChartGroupId[]) {
    if (first.includes(id)) continue;
    const c = build(id);
    if (c.lines.length) charts.push(c);
  }
  for (const [key, { raw, series: s }] of byName) {
    if (used.has(key) || isDataFitMetric(raw)) continue; // counts, listed under "Data" on the run page
    const info = metricInfo(raw);
    charts.push({ id: `metric:${raw}`, title: labelWithUnit(info), help: metricTooltip(info), lines: [{ label: info.label, series: s, key: raw }] });
  }
  return charts;
}

const REWARD_LOSS = {
  title: "Loss (pairwise, nats)",
  help: "−log σ(chosen score − rejected score), averaged over pairs; ln 2 ≈ 0.69 is a model that cannot tell them apart.",
};

/** The reward model's margin on the chart is raw; its log line and model card give it normalised. */
const MARGIN_NOTE =
  "Raw score units, as trained. The log's last line and the model card give the held-out margin normalised (divided by the score spread on the reference set), so those numbers are larger.";

function deriveObjective(byName: Map<string, { raw: string; series: Series }>, config?: Record<string, unknown> | null) {
  const find = (names: string[]) => names.map((n) => byName.get(n)?.series).find(Boolean);
  // Both groups are written out above with at least one line.
  const score = find(CHART_GROUPS.score.lines[0]!.names);
  const kl = find(CHART_GROUPS.kl.lines[0]!.names);
  const betaSeries = find(BETA_METRICS);
  if (betaSeries) return deriveSeries([score, kl, betaSeries], (s, k, b) => s - b * k);
  const beta = betaFromConfig(config);
  if (beta === undefined) return undefined;
  return deriveSeries([score, kl], (s, k) => s - beta * k);
}

/**
 * Two runs on the same charts: each chart of run A (and any chart only run B has) with A's lines
 * labelled "A · …" and B's "B · …".
 */
export function compareCharts(a: { kind: string; series: SeriesMap; config?: Record<string, unknown> | null }, b: typeof a): Chart[] {
  const ca = chartsFor(a.kind, a.series, a.config);
  const cb = chartsFor(b.kind, b.series, b.config);
  const out: Chart[] = [];
  const seen = new Set<string>();
  for (const c of [...ca, ...cb]) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const la = ca.find((x) => x.id === c.id)?.lines ?? [];
    const lb = cb.find((x) => x.id === c.id)?.lines ?? [];
    const lines = [...la.map((l) => ({ ...l, label: `A · ${l.label}` })), ...lb.map((l) => ({ ...l, label: `B · ${l.label}` }))];
    if (lines.length) out.push({ ...c, lines });
  }
  return out;
}
