// The value head: one scalar per position from the hidden states, V_t = h_t · w + b, and PPO's
// clipped value loss. The head is initialised from the reward model's score head (InstructGPT)
// or at zero (a fresh head on the policy's body).

import type { Value } from '../graph/core';
import type { Graph } from '../graph/graph';

/** Parameter names of the value head (TRL calls it v_head). */
export const V_HEAD = { weight: 'v_head.weight', bias: 'v_head.bias' } as const;

export interface ValueHead {
  weight: Value; // (C, 1)
  bias: Value; // (1)
}

/** Declares the head with zero weights (the values start at 0, the mean of normalised scores). */
export function declareValueHead(g: Graph, C: number): ValueHead {
  return {
    weight: g.param(V_HEAD.weight, [C, 1], { init: { kind: 'zeros' }, decay: false }),
    bias: g.param(V_HEAD.bias, [1], { init: { kind: 'zeros' } }),
  };
}

/** Values (B, T) from hidden states (B, T, C). */
export function valueHead(g: Graph, hidden: Value, head: ValueHead): Value {
  const [B, T] = hidden.shape;
  return g.reshape(g.linear(hidden, head.weight, head.bias), [B, T]); // (B, T, 1) → (B, T)
}

/** Σ x·mask / max(Σ mask, 1). */
export function maskedMean(g: Graph, x: Value, mask: Value): Value {
  return g.div(g.reduceSum(g.mul(x, mask)), g.max(g.reduceSum(mask), 1));
}

/**
 * PPO's clipped value loss over mask = 1:
 * ½·mean(max((V − R)², (V_old + clip(V − V_old, −c, c) − R)²)).
 */
export function clippedValueLoss(g: Graph, values: Value, oldValues: Value, returns: Value, mask: Value, clip: number): Value {
  const clipped = g.add(oldValues, g.clip(g.sub(values, oldValues), -clip, clip));
  const e1 = g.sub(values, returns);
  const e2 = g.sub(clipped, returns);
  return g.mul(maskedMean(g, g.max(g.mul(e1, e1), g.mul(e2, e2)), mask), 0.5);
}

/** Share of masked positions where the clipped value error is the larger one (a metric, no gradient). */
export function valueClipFraction(g: Graph, values: Value, oldValues: Value, returns: Value, mask: Value, clip: number): Value {
  const clipped = g.add(oldValues, g.clip(g.sub(values, oldValues), -clip, clip));
  const e1 = g.abs(g.sub(values, returns));
  const e2 = g.abs(g.sub(clipped, returns));
  return maskedMean(g, g.cast(g.greater(e2, e1), values.dtype), mask);
}
