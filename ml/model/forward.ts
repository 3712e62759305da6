// Ready-made models for the common cases: the forward pass to logits (scoring, evaluation,
// tests) and the causal-LM training loss.

import type { BuiltModel, Value } from '../graph/core';
import { Graph } from '../graph/graph';
import { maskedCrossEntropy, pickTargets } from '../losses';
import type { GPTConfig } from './config';
import { buildGPT, type GPTGraph } from './gpt';

/** Inputs input_ids, position_ids (and attention_mask) → output `logits` (B, T, V). */
export function logitsModel(c: GPTConfig, batch: number, seq: number, o: { keyMask?: boolean } = {}): BuiltModel {
  const g = new Graph({ name: 'gpt2_logits' });
  const m = buildGPT(g, c, { batch, seq, keyMask: o.keyMask });
  return g.toModel({ outputs: { logits: m.logits } });
}

/** Per-token log-probabilities of `targets` (B, T) under the model: output `logprobs` (B, T). */
export function logprobsModel(c: GPTConfig, batch: number, seq: number, o: { keyMask?: boolean } = {}): BuiltModel {
  const g = new Graph({ name: 'gpt2_logprobs' });
  const m = buildGPT(g, c, { batch, seq, keyMask: o.keyMask });
  const targets = g.input('targets', 'int64', [batch, seq]);
  const logp = g.logSoftmax(m.logits, -1); // (B, T, V)
  const picked = pickTargets(g, logp, targets); // (B, T)
  return g.toModel({ outputs: { logprobs: picked } });
}

export interface LMLoss {
  graph: Graph;
  model: GPTGraph;
  targets: Value; // int64 (B, T): the next token at each position
  lossMask: Value; // float (B, T): 1 where the position counts (response tokens for SFT, all real tokens for pretraining)
  loss: Value; // mean cross-entropy over counted positions
}

/**
 * The causal-LM loss graph: inputs input_ids, targets, loss_mask (B, T). Right-padded batches, so
 * causal attention alone is exact and every row's positions are 0 … T−1 (no position_ids input).
 */
export function lmLossGraph(c: GPTConfig, batch: number, seq: number): LMLoss {
  const g = new Graph({ name: 'gpt2_lm' });
  const model = buildGPT(g, c, { batch, seq, positions: 'arange' });
  const targets = g.input('targets', 'int64', [batch, seq]);
  const lossMask = g.input('loss_mask', 'float32', [batch, seq]);
  const loss = maskedCrossEntropy(g, model.logits, targets, lossMask);
  return { graph: g, model, targets, lossMask, loss };
}
