// DPO's models and batches. A batch holds `groups` rankings (or pairs): each answer (prompt +
// response + eos, right-padded) through the model once, its log-probability summed over the
// response tokens (token_weight; for IPO divided by the response length), and the comparisons as
// weighted index pairs into those N log-probs (reward-batch.ts: a ranking counts once, a tie is two
// half-weighted directions, which pull the two implicit rewards together).
//
//   logps model → logps (N) = Σ_t token_weight · log π(target_t)   [frozen: the reference]
//   step model  → loss = Σ_p w_p · ℓ(h_p) (dpoPairLoss) with ref_logps (N) fed, AdamW

import type { BuiltModel, Value } from '../graph/core';
import { Graph } from '../graph/graph';
import { dpoPairLoss, pickTargets, type DPOLossOptions } from '../losses';
import type { GPTConfig } from '../model/config';
import { attentionBias, declareGPT, gptBody, lmHead } from '../model/gpt';
import { trainStepModel } from '../optim/train-graph';
import { groupFeeds, type BatchShape } from './reward-batch';
import type { RewardGroup } from './reward-data';

/** Inputs input_ids, targets (int64) and token_weight (N, T), right-padded (positions 0 … T−1) → sequence log-probs (N). */
export function sequenceLogps(name: string, c: GPTConfig, N: number, T: number): { g: Graph; logps: Value } {
  const g = new Graph({ name });
  const params = declareGPT(g, c);
  const ids = g.input('input_ids', 'int64', [N, T]);
  const targets = g.input('targets', 'int64', [N, T]);
  const weight = g.input('token_weight', g.dtype, [N, T]);
  const { hidden } = gptBody(g, c, params, ids, 'arange', attentionBias(g, T)); // (N, T, C); 'arange': wpe's gradient is a sum over the batch
  const picked = pickTargets(g, g.logSoftmax(lmHead(g, params, hidden), -1), targets); // (N, T)
  return { g, logps: g.reduceSum(g.mul(picked, weight), [-1]) }; // (N)
}

/** Forward only: output logps (N); with `frozen` the weights are baked in (the reference). */
export function dpoLogpsModel(c: GPTConfig, N: number, T: number, frozen?: Record<string, Float32Array>): BuiltModel {
  const { g, logps } = sequenceLogps(frozen ? 'dpo_reference' : 'dpo_logps', c, N, T);
  return g.toModel({ outputs: { logps }, ...(frozen ? { frozen } : {}) });
}

/** One optimizer step: extra inputs ref_logps (N), pair_win, pair_lose, pair_weight [, pair_margin] (P); outputs loss, logps, grad_norm. */
export function dpoStepModel(c: GPTConfig, s: BatchShape, o: DPOLossOptions & { margin: boolean; weightDecay: number; maxGradNorm: number }): BuiltModel {
  const { g, logps } = sequenceLogps('dpo_step', c, s.N, s.T);
  const loss = dpoPairLoss(
    g,
    logps,
    g.input('ref_logps', g.dtype, [s.N]),
    {
      win: g.input('pair_win', 'int64', [s.P]),
      lose: g.input('pair_lose', 'int64', [s.P]),
      weight: g.input('pair_weight', g.dtype, [s.P]),
      margin: o.margin ? g.input('pair_margin', g.dtype, [s.P]) : undefined,
    },
    o,
  );
  return trainStepModel(g, { loss, metrics: { logps } }, { beta1: 0.9, beta2: 0.999, weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm || undefined });
}

export type SeqFeeds = Record<'input_ids' | 'targets', BigInt64Array> & { token_weight: Float32Array };

/**
 * Rows of up to N sequences, right-padded to T: position t predicts token t + 1; token_weight is 1
 * (or 1/response length with `mean`) where that target is a response token, 0 elsewhere.
 */
export function logpFeeds(seqs: readonly (readonly number[])[], promptLens: readonly number[], N: number, T: number, pad: number, mean = false): SeqFeeds {
  if (seqs.length > N) throw new Error(`logpFeeds: ${seqs.length} sequences for ${N} rows`);
  const input_ids = new BigInt64Array(N * T).fill(BigInt(pad));
  const targets = new BigInt64Array(N * T).fill(BigInt(pad));
  const token_weight = new Float32Array(N * T);
  seqs.forEach((s, n) => {
    if (s.length - 1 > T) throw new Error(`logpFeeds: a sequence of ${s.length} tokens needs ${s.length - 1} positions, the graph has ${T}`);
    const p = promptLens[n];
    const w = mean ? 1 / Math.max(1, s.length - p) : 1;
    for (let t = 0; t < s.length - 1; t++) {
      input_ids[n * T + t] = BigInt(s[t]);
      targets[n * T + t] = BigInt(s[t + 1]);
      if (t + 1 >= p) token_weight[n * T + t] = w;
    }
  });
  return { input_ids, targets, token_weight };
}

/** A training batch: the groups' sequences, their reference log-probs and their weighted pairs. */
export function dpoFeeds(
  groups: readonly RewardGroup[],
  ref: readonly (readonly number[])[],
  shape: BatchShape,
  o: { pad: number; margin: boolean; mean: boolean },
): Record<string, BigInt64Array | Float32Array> {
  const pairs = groupFeeds(groups, shape, { pad: o.pad, margin: o.margin, center: false });
  const seqs = groups.flatMap((g) => g.seqs);
  const ref_logps = new Float32Array(shape.N);
  ref_logps.set(ref.flat());
  const out: Record<string, BigInt64Array | Float32Array> = {
    ...logpFeeds(
      seqs,
      groups.flatMap((g) => g.promptLens),
      shape.N,
      shape.T,
      o.pad,
      o.mean,
    ),
    ref_logps,
    pair_win: pairs.pair_win,
    pair_lose: pairs.pair_lose,
    pair_weight: pairs.pair_weight,
  };
  if (o.margin) out.pair_margin = pairs.pair_margin;
  return out;
}

/** Each strict (or, with ties kept, tied) pair of a group as its own group: DPO from pairs built from the rankings. */
export function splitPairs(groups: readonly RewardGroup[]): RewardGroup[] {
  return groups.flatMap((g) =>
    g.pairs.map((c) => ({
      prompt: g.prompt,
      where: g.where,
      seqs: [g.seqs[c.win], g.seqs[c.lose]],
      promptLens: [g.promptLens[c.win], g.promptLens[c.lose]],
      pairs: [{ ...c, win: 0, lose: 1 }],
    })),
  );
}
