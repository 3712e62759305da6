// Batches of comparison groups for the reward graph, and the metrics of a set of groups from
// their rewards. A batch holds `groups` rankings (or pairs): their sequences, right-padded, each
// through the model once, and their comparisons as index pairs into the rewards with weights
// 1/(#groups · #comparisons of the group), so a ranking counts once whatever its K.

import type { Comparison, RewardGroup } from './reward-data';

export interface BatchShape {
  groups: number; // rankings (or pairs) per batch
  N: number; // sequences per batch: groups · the most sequences in one group
  P: number; // directed pairs per batch: groups · the most in one group
  T: number; // tokens per sequence
}

export interface RewardFeeds {
  input_ids: BigInt64Array; // (N, T), right-padded (the graph's positions are 0 … T−1 in every row)
  last_index: BigInt64Array; // (N): the last real token (the eos)
  [k: string]: BigInt64Array | Float32Array;
}

/** A tie becomes two directed pairs of half weight (−½log σ(d) − ½log σ(−d)); a strict comparison one. */
function directed(c: Comparison): Array<{ win: number; lose: number; margin: number; share: number }> {
  return c.tie
    ? [
        { win: c.win, lose: c.lose, margin: 0, share: 0.5 },
        { win: c.lose, lose: c.win, margin: 0, share: 0.5 },
      ]
    : [{ ...c, share: 1 }];
}

export function batchShape(groups: readonly RewardGroup[], batchGroups: number, T: number): BatchShape {
  const k = Math.max(...groups.map((g) => g.seqs.length));
  const p = Math.max(...groups.map((g) => g.pairs.reduce((n, c) => n + (c.tie ? 2 : 1), 0)));
  return { groups: batchGroups, N: batchGroups * k, P: batchGroups * p, T };
}

/**
 * The last T tokens of a sequence (the eos, where the reward is read, is always kept). Training data
 * never needs it (the truncation policy fitted it); RewardScorer's raw sequences longer than nCtx do.
 */
export const fit = (s: readonly number[], T: number): readonly number[] => (s.length > T ? s.slice(s.length - T) : s);

/** Right-padded ids and last-token indices for up to N sequences (missing rows are padding). */
export function sequenceFeeds(seqs: readonly (readonly number[])[], N: number, T: number, pad: number): RewardFeeds {
  if (seqs.length > N) throw new Error(`sequenceFeeds: ${seqs.length} sequences for ${N} rows`);
  const input_ids = new BigInt64Array(N * T).fill(BigInt(pad));
  const last_index = new BigInt64Array(N);
  seqs.forEach((s0, n) => {
    const s = fit(s0, T);
    s.forEach((id, t) => (input_ids[n * T + t] = BigInt(id)));
    last_index[n] = BigInt(Math.max(0, s.length - 1));
  });
  return { input_ids, last_index };
}

/**
 * The feeds of one training batch: sequences, pair_win/pair_lose (P) into the N rewards,
 * pair_weight (P) summing to 1 (padding pairs 0), pair_margin (P) when `margin`, and
 * seq_weight (N) = 1/#real sequences when `center` (for the centring term's mean of r²).
 */
export function groupFeeds(groups: readonly RewardGroup[], shape: BatchShape, o: { pad: number; margin: boolean; center: boolean }): RewardFeeds {
  if (groups.length > shape.groups) throw new Error(`groupFeeds: ${groups.length} groups for ${shape.groups} slots`);
  const seqs: (readonly number[])[] = [];
  const win = new BigInt64Array(shape.P);
  const lose = new BigInt64Array(shape.P);
  const weight = new Float32Array(shape.P);
  const margin = new Float32Array(shape.P);
  let p = 0;
  for (const g of groups) {
    const base = seqs.length;
    seqs.push(...g.seqs);
    const comparisons = g.pairs.length;
    for (const c of g.pairs) {
      for (const d of directed(c)) {
        win[p] = BigInt(base + d.win);
        lose[p] = BigInt(base + d.lose);
        weight[p] = d.share / (groups.length * comparisons);
        margin[p] = d.margin;
        p++;
      }
    }
  }
  if (seqs.length > shape.N || p > shape.P)
    throw new Error(`groupFeeds: the batch needs ${seqs.length} sequences and ${p} pairs, the graph has ${shape.N} and ${shape.P}`);
  const feeds: RewardFeeds = { ...sequenceFeeds(seqs, shape.N, shape.T, o.pad), pair_win: win, pair_lose: lose, pair_weight: weight };
  if (o.margin) feeds.pair_margin = margin;
  if (o.center) {
    const sw = new Float32Array(shape.N);
    sw.fill(1 / seqs.length, 0, seqs.length);
    feeds.seq_weight = sw;
  }
  return feeds;
}

/** −log σ(x), stable. */
const nlogSigmoid = (x: number) => Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

export interface PairMetrics {
  /** Mean over groups of the mean comparison loss (the training loss without the centring term). */
  loss: number;
  /** Share of strict comparisons where the better response gets the higher reward. */
  accuracy: number;
  /** Mean r_w − r_l over strict comparisons. */
  margin: number;
}

/** Metrics of groups from their rewards (rewards[g][k] for sequence k of group g). */
export function pairMetrics(groups: readonly RewardGroup[], rewards: readonly (readonly number[])[], o: { margin: boolean }): PairMetrics {
  let loss = 0;
  let right = 0;
  let strict = 0;
  let gap = 0;
  groups.forEach((g, i) => {
    const r = rewards[i];
    let l = 0;
    for (const c of g.pairs) {
      for (const d of directed(c)) l += d.share * nlogSigmoid(r[d.win] - r[d.lose] - (o.margin ? d.margin : 0));
      if (c.tie) continue;
      strict++;
      gap += r[c.win] - r[c.lose];
      if (r[c.win] > r[c.lose]) right++;
    }
    loss += l / g.pairs.length;
  });
  return { loss: loss / groups.length, accuracy: strict ? right / strict : NaN, margin: strict ? gap / strict : NaN };
}

/** Mean and (population) standard deviation. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, std };
}
