// Inter-labeler agreement on rankings of the same task's answers.
//
// Pairwise agreement (InstructGPT reports ~73% between labelers): for each pair of answers both
// labelers ranked, each labeler says "first better", "second better" or "tie". The pair AGREES only
// when both say the same thing, so a tie agrees only with a tie; "A > B" against "A = B" is a
// disagreement, as is "A > B" against "B > A". Every shared pair counts once in the denominator.
import type { Tiers } from "../ranking/tiers";
import { QualityError } from "./errors";
import { averageRanks, tierIndexOf } from "./ranks";

export type LabeledRanking = { taskId: string; labelerId: string; tiers: Tiers };
export type PairAgreement = { sharedPairs: number; agreements: number };

/** Pairs of answers ranked by both tierings, and how many of them the two order the same way. */
export function pairAgreement(a: Tiers, b: Tiers): PairAgreement {
  const ta = tierIndexOf(a);
  const tb = tierIndexOf(b);
  const shared = [...ta.keys()].filter((p) => tb.has(p)).sort((x, y) => x - y);
  let sharedPairs = 0;
  let agreements = 0;
  for (const [i, p] of shared.entries()) {
    for (const q of shared.slice(i + 1)) {
      sharedPairs++;
      if (Math.sign(ta.get(p)! - ta.get(q)!) === Math.sign(tb.get(p)! - tb.get(q)!)) agreements++;
    }
  }
  return { sharedPairs, agreements };
}

type LabelerAgreement = PairAgreement & {
  labelerId: string;
  /** agreements / sharedPairs with every other labeler on the same tasks; null with no overlap. */
  rate: number | null;
  /** Tasks this labeler shares with at least one other labeler. */
  overlappingTasks: number;
};

export type ProjectAgreement = PairAgreement & {
  /** Σ agreements / Σ shared pairs over every two labelers of every task; null with no overlap. */
  rate: number | null;
  /** Number of (task, labeler, labeler) combinations compared. */
  labelerPairs: number;
  perLabeler: LabelerAgreement[];
};

/**
 * Pairwise agreement across a project: every two different labelers of the same task are compared
 * with pairAgreement and the counts are summed. A labeler's own figure sums the comparisons they are
 * part of. Rankings by the same labeler of the same task are never compared with each other.
 * perLabeler is sorted by labelerId.
 */
export function projectAgreement(rankings: readonly LabeledRanking[]): ProjectAgreement {
  const byTask = new Map<string, LabeledRanking[]>();
  for (const r of rankings) {
    const list = byTask.get(r.taskId) ?? [];
    list.push(r);
    byTask.set(r.taskId, list);
  }
  const per = new Map<string, { agreements: number; sharedPairs: number; tasks: Set<string> }>();
  const entry = (id: string) => {
    let e = per.get(id);
    if (!e) per.set(id, (e = { agreements: 0, sharedPairs: 0, tasks: new Set() }));
    return e;
  };
  let agreements = 0;
  let sharedPairs = 0;
  let labelerPairs = 0;
  for (const [taskId, list] of byTask) {
    list.forEach((r) => entry(r.labelerId));
    for (const [i, ri] of list.entries()) {
      for (const rj of list.slice(i + 1)) {
        if (ri.labelerId === rj.labelerId) continue;
        const pa = pairAgreement(ri.tiers, rj.tiers);
        labelerPairs++;
        agreements += pa.agreements;
        sharedPairs += pa.sharedPairs;
        for (const id of [ri.labelerId, rj.labelerId]) {
          const e = entry(id);
          e.agreements += pa.agreements;
          e.sharedPairs += pa.sharedPairs;
          e.tasks.add(taskId);
        }
      }
    }
  }
  const perLabeler = [...per.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([labelerId, e]) => ({
      labelerId,
      agreements: e.agreements,
      sharedPairs: e.sharedPairs,
      rate: e.sharedPairs > 0 ? e.agreements / e.sharedPairs : null,
      overlappingTasks: e.tasks.size,
    }));
  return { agreements, sharedPairs, rate: sharedPairs > 0 ? agreements / sharedPairs : null, labelerPairs, perLabeler };
}

/**
 * Kendall's tau-b between two tierings over the positions both contain:
 * (concordant − discordant) / √((n0 − n1)(n0 − n2)), n0 = C(n,2), n1/n2 = pairs tied in a/b.
 * Null when either tiering ties every shared pair (or fewer than two positions are shared).
 */
export function kendallTauB(a: Tiers, b: Tiers): number | null {
  const ta = tierIndexOf(a);
  const tb = tierIndexOf(b);
  const shared = [...ta.keys()].filter((p) => tb.has(p));
  let concordant = 0;
  let discordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  let n0 = 0;
  for (const [i, p] of shared.entries()) {
    for (const q of shared.slice(i + 1)) {
      n0++;
      const da = Math.sign(ta.get(p)! - ta.get(q)!);
      const db = Math.sign(tb.get(p)! - tb.get(q)!);
      if (da === 0) tiedA++;
      if (db === 0) tiedB++;
      if (da !== 0 && db !== 0) {
        if (da === db) concordant++;
        else discordant++;
      }
    }
  }
  const denominator = Math.sqrt((n0 - tiedA) * (n0 - tiedB));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
}

export type AlphaMetric = "nominal" | "ordinal" | "interval" | "ratio";

/**
 * Krippendorff's alpha over a reliability matrix: values[unit][coder], null where a coder gave no
 * value. Computed from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability"): alpha = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck. Units with fewer than two
 * values are not pairable and are left out. Ordinal δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)².
 * Null when there is nothing to compare or no variation at all (expected disagreement 0).
 */
export function krippendorffAlpha(values: readonly (readonly (number | null)[])[], metric: AlphaMetric = "ordinal"): number | null {
  const units = values.map((row) => row.filter((v): v is number => v !== null && v !== undefined));
  for (const row of units)
    for (const v of row) if (!Number.isFinite(v)) throw new QualityError("bad_matrix", `The reliability matrix holds ${v}, which is not a finite number.`);
  const pairable = units.filter((row) => row.length >= 2);
  const domain = [...new Set(pairable.flat())].sort((x, y) => x - y);
  const index = new Map(domain.map((v, i) => [v, i]));
  const size = domain.length;
  // o[c][k]: coincidences of values c and k.
  const o = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const row of pairable) {
    const weight = 1 / (row.length - 1);
    // Every value of a pairable row is in domain, so index.get() finds it and o has that row.
    row.forEach((vi, i) =>
      row.forEach((vj, j) => {
        if (i !== j) o[index.get(vi)!]![index.get(vj)!]! += weight;
      }),
    );
  }
  const nc = o.map((r) => r.reduce((s, x) => s + x, 0));
  const n = nc.reduce((s, x) => s + x, 0);
  if (n <= 1) return null;
  // c and k below range over 0..size-1, the indices of domain, nc and o.
  const delta2 = (c: number, k: number): number => {
    const vc = domain[c]!;
    const vk = domain[k]!;
    switch (metric) {
      case "nominal":
        return c === k ? 0 : 1;
      case "interval":
        return (vc - vk) ** 2;
      case "ratio":
        return vc + vk === 0 ? 0 : ((vc - vk) / (vc + vk)) ** 2;
      case "ordinal": {
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        let sum = 0;
        for (let g = lo; g <= hi; g++) sum += nc[g]!;
        return (sum - (nc[c]! + nc[k]!) / 2) ** 2;
      }
    }
  };
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < size; c++) {
    for (let k = 0; k < size; k++) {
      const d = delta2(c, k);
      observed += o[c]![k]! * d;
      expected += nc[c]! * nc[k]! * d;
    }
  }
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

export type ReliabilityMatrix = {
  /** "taskId#position", one per answer of every task. */
  units: string[];
  /** Labeler ids, sorted. */
  coders: string[];
  /** values[unit][coder]: the answer's average rank (1 = best) in that labeler's ranking, or null. */
  values: (number | null)[][];
};

/**
 * The units × coders matrix for krippendorffAlpha from rankings: a unit is one answer of one task,
 * its value the labeler's average rank for it (ties share the mean of their ranks), so values are
 * comparable across labelers whatever their tie structure. Use the ordinal metric on it.
 */
export function reliabilityMatrix(rankings: readonly LabeledRanking[]): ReliabilityMatrix {
  const coders = [...new Set(rankings.map((r) => r.labelerId))].sort();
  const coderIndex = new Map(coders.map((c, i) => [c, i]));
  const unitIndex = new Map<string, number>();
  const values: (number | null)[][] = [];
  for (const r of rankings) {
    for (const [pos, rank] of averageRanks(r.tiers)) {
      const unit = `${r.taskId}#${pos}`;
      const u = unitIndex.get(unit);
      let row = u === undefined ? undefined : values[u];
      if (row === undefined) {
        row = new Array<number | null>(coders.length).fill(null);
        unitIndex.set(unit, values.length);
        values.push(row);
      }
      row[coderIndex.get(r.labelerId)!] = rank;
    }
  }
  return { units: [...unitIndex.keys()], coders, values };
}
