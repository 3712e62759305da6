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
  const picked = pickTargets(g, g.logSoftmax(logits, -1), targets); // (B, T): log p(target), a two-pass gradient (LogSoftmax's rule)
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

export interface DPOPairs {
  win: Value; // int64 (P): the preferred sequence
  lose: Value; // int64 (P)
  weight: Value; // (P): sums to 1 over the batch, 0 on padding pairs
  margin?: Value; // (P), subtracted from β·h (sigmoid and cdpo)
}

export interface DPOLossOptions {
  /** sigmoid: −log σ(β·h − m); ipo: (h − 1/(2β))²; cdpo: (1 − ε)·(−log σ(β·h − m)) + ε·(−log σ(−(β·h − m))). */
  lossType: 'sigmoid' | 'ipo' | 'cdpo';
  beta: number;
  /** ε of cdpo. */
  labelSmoothing?: number;
}

/** −log σ(x) = relu(−x) + log(1 + e^−|x|), stable with float64 kernels. */
export function negLogSigmoid(g: Graph, x: Value): Value {
  return g.add(g.relu(g.neg(x)), g.log(g.add(1, g.exp(g.neg(g.abs(x))))));
}

/**
 * DPO's loss over weighted pairs of sequences: h = (log π_w − log π_ref,w) − (log π_l − log π_ref,l)
 * from the policy's and the reference's sequence log-probs (N); Σ_p w_p · ℓ(h_p).
 */
export function dpoPairLoss(g: Graph, logps: Value, refLogps: Value, p: DPOPairs, o: DPOLossOptions): Value {
  const ratio = g.sub(logps, refLogps); // (N): log π/π_ref, the implicit reward over β
  const h = g.sub(g.gather(ratio, p.win, 0), g.gather(ratio, p.lose, 0)); // (P)
  let perPair: Value;
  if (o.lossType === 'ipo') {
    const d = g.sub(h, 1 / (2 * o.beta));
    perPair = g.mul(d, d);
  } else {
    let x = g.mul(h, o.beta);
    if (p.margin) x = g.sub(x, p.margin);
    const eps = o.lossType === 'cdpo' ? (o.labelSmoothing ?? 0) : 0;
    perPair = eps ? g.add(g.mul(negLogSigmoid(g, x), 1 - eps), g.mul(negLogSigmoid(g, g.neg(x)), eps)) : negLogSigmoid(g, x);
  }
  return g.reduceSum(g.mul(perPair, p.weight));
}
