// The policy side of PPO as graph pieces: log-probabilities under temperature-scaled logits, the
// entropy, the update's statistics, and the PPO-ptx mix. The clipped surrogate itself is
// ppoClippedLoss (ml/losses.ts). All are compositions of ops with gradient rules.

import type { Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import { pickTargets } from '../losses';
import { maskedMean } from './value-head';

export interface TokenLogprobs {
  /** log softmax(logits / T) (B, T, V). */
  logSoftmax: Value;
  /** log π(targets) (B, T). */
  picked: Value;
}

/**
 * log π(y_t) under softmax(logits / temperature), the distribution the rollout sampled from
 * (TRL divides the logits by the temperature both when sampling and when training).
 */
export function tokenLogprobs(g: Graph, logits: Value, targets: Value, temperature: number): TokenLogprobs {
  const scaled = temperature === 1 ? logits : g.mul(logits, 1 / temperature); // (B, T, V)
  const logSoftmax = g.logSoftmax(scaled, -1); // (B, T, V)
  const picked = pickTargets(g, logSoftmax, targets); // (B, T)
  return { logSoftmax, picked };
}

/** Entropy −Σ_v p·log p (B, T) from a log-softmax (B, T, V). */
export function tokenEntropy(g: Graph, logSoftmax: Value): Value {
  return g.neg(g.reduceSum(g.mul(g.exp(logSoftmax), logSoftmax), [-1])); // (B, T)
}

/** Metrics of one update: the share of tokens where the clipped term is active, and ½·mean((log π − log π_old)²) (TRL's approx KL). */
export function ppoUpdateStats(g: Graph, logp: Value, oldLogp: Value, advantages: Value, mask: Value, clipEps: number): { clipFrac: Value; approxKl: Value } {
  const diff = g.sub(logp, oldLogp);
  const ratio = g.exp(diff);
  const unclipped = g.mul(ratio, advantages);
  const clipped = g.mul(g.clip(ratio, 1 - clipEps, 1 + clipEps), advantages);
  const clipFrac = maskedMean(g, g.cast(g.less(clipped, unclipped), logp.dtype), mask); // the min picks the clipped term
  const approxKl = g.mul(maskedMean(g, g.mul(diff, diff), mask), 0.5);
  return { clipFrac, approxKl };
}

/** PPO-ptx (InstructGPT): the clipped policy loss plus ptxCoef · the language-modelling loss on pretraining/SFT data. */
export function ppoPtxLoss(g: Graph, policyLoss: Value, ptxLoss: Value, ptxCoef: number): Value {
  return ptxCoef ? g.add(policyLoss, g.mul(ptxLoss, ptxCoef)) : policyLoss;
}
