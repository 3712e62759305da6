// Loss heads the later issues need, built from primitives with float64 kernels.

import type { Value } from './graph/core';
import type { Graph } from './graph/graph';

/** log p(targets) (B, T) from log-probabilities (B, T, V) and int64 targets (B, T). */
export function pickTargets(g: Graph, logp: Value, targets: Value): Value {
  return g.squeeze(g.gatherElements(logp, g.unsqueeze(targets, [-1]), -1), [-1]); // (B, T)
}

/**
 * Mean token cross-entropy over positions where mask = 1.
 * logits (B, T, V), targets int64 (B, T), mask float (B, T).
 */
export function maskedCrossEntropy(g: Graph, logits: Value, targets: Value, mask: Value): Value {
  const logp = g.logSoftmax(logits, -1); // (B, T, V)
  const picked = pickTargets(g, logp, targets); // (B, T)
  const count = g.max(g.reduceSum(mask), 1);
  return g.div(g.neg(g.reduceSum(g.mul(picked, mask))), count);
}

/** −log σ(x) for x = r_chosen − r_rejected, written as relu(−x) + log(1 + exp(−|x|)) (stable, float64 kernels). */
export function pairwiseRewardLoss(g: Graph, rChosen: Value, rRejected: Value): Value {
  const x = g.sub(rChosen, rRejected);
  const perPair = g.add(g.relu(g.neg(x)), g.log(g.add(1, g.exp(g.neg(g.abs(x))))));
  return g.reduceMean(perPair);
}

/**
 * PPO's clipped surrogate, negated to be minimized, averaged over mask = 1:
 * −mean(min(ρ·A, clip(ρ, 1 − ε, 1 + ε)·A)), ρ = exp(logp − oldLogp).
 */
export function ppoClippedLoss(g: Graph, logp: Value, oldLogp: Value, advantages: Value, mask: Value, clipEps = 0.2): Value {
  const ratio = g.exp(g.sub(logp, oldLogp));
  const unclipped = g.mul(ratio, advantages);
  const clipped = g.mul(g.clip(ratio, 1 - clipEps, 1 + clipEps), advantages);
  const count = g.max(g.reduceSum(mask), 1);
  return g.div(g.neg(g.reduceSum(g.mul(g.min(unclipped, clipped), mask))), count);
}
