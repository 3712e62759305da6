// The ONNX models of a PPO run. Rollouts are packed right-padded into (M, T) rows: the prompt,
// then the response; position t predicts token t + 1, and `mask` marks the positions whose
// target is a response token (causal attention alone is exact with right padding).
//
//   policy score   → logprobs (M, T) under softmax(logits / T), entropy (M, T) [, values (M, T) with a shared body]
//   reference      → the same logprobs with the SFT weights frozen in as initializers
//   policy step    → clipped surrogate [+ vfCoef·clipped value loss] [+ ptxCoef·LM loss], AdamW
//   value score    → values (M, T);  value step → clipped value loss, AdamW

import type { BuiltModel, Value } from '../graph/core';
import { Graph } from '../graph/graph';
import { maskedCrossEntropy, ppoClippedLoss } from '../losses';
import type { GPTConfig } from '../model/config';
import { attentionBias, declareGPT, gptBody, lmHead, type GPTParams } from '../model/gpt';
import { trainStepModel } from '../optim/train-graph';
import { ppoPtxLoss, ppoUpdateStats, tokenEntropy, tokenLogprobs } from './ppo-losses';
import { clippedValueLoss, declareValueHead, valueClipFraction, valueHead } from './value-head';

/** AdamW as OpenRLHF runs PPO: betas (0.9, 0.95), no weight decay; grad clipping from the config. */
const ADAM = { beta1: 0.9, beta2: 0.95, weightDecay: 0 };

export interface PolicyOptions {
  temperature: number;
  /** Value head on the policy body (sharedBody). */
  sharedHead?: boolean;
}

interface Trunk {
  g: Graph;
  params: GPTParams;
  hidden: Value; // (M, T, C)
  targets: Value; // int64 (M, T)
  mask: Value; // (M, T)
}

/** Inputs input_ids, position_ids, targets, mask (M, T) (every model declares all four: one feed fits all) and the body's parameters. */
function trunk(name: string, c: GPTConfig, M: number, T: number): Trunk {
  const g = new Graph({ name });
  const params = declareGPT(g, c);
  const ids = g.input('input_ids', 'int64', [M, T]);
  const pos = g.input('position_ids', 'int64', [M, T]);
  const { hidden } = gptBody(g, c, params, ids, pos, attentionBias(g, T)); // (M, T, C)
  return { g, params, hidden, targets: g.input('targets', 'int64', [M, T]), mask: g.input('mask', g.dtype, [M, T]) };
}

/** Rollout scoring by the policy; with `frozen` (the reference weights) only `logprobs`. */
export function policyScoreModel(c: GPTConfig, M: number, T: number, o: PolicyOptions & { frozen?: Record<string, Float32Array> }): BuiltModel {
  const { g, params, hidden, targets } = trunk(o.frozen ? 'ppo_reference' : 'ppo_policy_score', c, M, T);
  const lp = tokenLogprobs(g, lmHead(g, params, hidden), targets, o.temperature);
  if (o.frozen) return g.toModel({ outputs: { logprobs: lp.picked }, frozen: o.frozen });
  const outputs: Record<string, Value> = { logprobs: lp.picked, entropy: tokenEntropy(g, lp.logSoftmax) };
  if (o.sharedHead) outputs.values = valueHead(g, hidden, declareValueHead(g, c.nEmbd));
  return g.toModel({ outputs });
}

export interface PolicyStepOptions extends PolicyOptions {
  clipEps: number;
  maxGradNorm: number;
  /** With sharedHead: the value loss's clip and weight. */
  valueClip: number;
  vfCoef: number;
  /** PPO-ptx: > 0 adds inputs ptx_input_ids, ptx_position_ids, ptx_targets, ptx_mask (M, T). */
  ptxCoef: number;
}

/**
 * One PPO optimizer step of the policy. Extra inputs: old_logprobs, advantages (M, T)
 * [, old_values, returns with a shared head]; outputs loss, policy_loss, clip_frac, approx_kl
 * [, value_loss, value_clip_frac] [, ptx_loss] and the AdamW update.
 */
export function policyStepModel(c: GPTConfig, M: number, T: number, o: PolicyStepOptions): BuiltModel {
  const { g, params, hidden, targets, mask } = trunk('ppo_policy_step', c, M, T);
  const oldLogp = g.input('old_logprobs', g.dtype, [M, T]);
  const adv = g.input('advantages', g.dtype, [M, T]);
  const logp = tokenLogprobs(g, lmHead(g, params, hidden), targets, o.temperature).picked;
  const policyLoss = ppoClippedLoss(g, logp, oldLogp, adv, mask, o.clipEps);
  const stats = ppoUpdateStats(g, logp, oldLogp, adv, mask, o.clipEps);
  const metrics: Record<string, Value> = { policy_loss: policyLoss, clip_frac: stats.clipFrac, approx_kl: stats.approxKl };
  let loss = policyLoss;
  if (o.sharedHead) {
    const values = valueHead(g, hidden, declareValueHead(g, c.nEmbd));
    const oldValues = g.input('old_values', g.dtype, [M, T]);
    const returns = g.input('returns', g.dtype, [M, T]);
    metrics.value_loss = clippedValueLoss(g, values, oldValues, returns, mask, o.valueClip);
    metrics.value_clip_frac = valueClipFraction(g, values, oldValues, returns, mask, o.valueClip);
    loss = g.add(loss, g.mul(metrics.value_loss, o.vfCoef));
  }
  if (o.ptxCoef > 0) {
    // the pretraining batch runs through the same parameters (their gradients add up)
    const ids = g.input('ptx_input_ids', 'int64', [M, T]);
    const pos = g.input('ptx_position_ids', 'int64', [M, T]);
    const { hidden: h } = gptBody(g, c, params, ids, pos, attentionBias(g, T)); // (M, T, C)
    metrics.ptx_loss = maskedCrossEntropy(g, lmHead(g, params, h), g.input('ptx_targets', 'int64', [M, T]), g.input('ptx_mask', g.dtype, [M, T]));
    loss = ppoPtxLoss(g, loss, metrics.ptx_loss, o.ptxCoef);
  }
  return trainStepModel(g, { loss, metrics }, { ...ADAM, maxGradNorm: o.maxGradNorm || undefined });
}

/** The separate value model (its own body and head): output values (M, T). */
export function valueScoreModel(c: GPTConfig, M: number, T: number): BuiltModel {
  const { g, hidden } = trunk('ppo_value_score', c, M, T);
  return g.toModel({ outputs: { values: valueHead(g, hidden, declareValueHead(g, c.nEmbd)) } });
}

/** One value-model optimizer step: inputs old_values, returns (M, T); outputs loss (= value_loss), value_clip_frac. */
export function valueStepModel(c: GPTConfig, M: number, T: number, o: { valueClip: number; maxGradNorm: number }): BuiltModel {
  const { g, hidden, mask } = trunk('ppo_value_step', c, M, T);
  const values = valueHead(g, hidden, declareValueHead(g, c.nEmbd));
  const oldValues = g.input('old_values', g.dtype, [M, T]);
  const returns = g.input('returns', g.dtype, [M, T]);
  const loss = clippedValueLoss(g, values, oldValues, returns, mask, o.valueClip);
  const metrics = { value_clip_frac: valueClipFraction(g, values, oldValues, returns, mask, o.valueClip) };
  return trainStepModel(g, { loss, metrics }, { ...ADAM, maxGradNorm: o.maxGradNorm || undefined });
}
