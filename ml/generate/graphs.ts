// The two inference graphs of generation with a KV cache:
//   prefill: the left-padded prompts (B, P) → last-position logits (B, V) and every layer's
//            keys/values (B, nh, P, hs), which the host copies into its cache;
//   step:    one new token per row (B, 1) attending to the cache (B, nh, S, hs) plus itself
//            → logits (B, V) and the new token's keys/values (B, nh, 1, hs).
// The cache stays a host buffer fed zero-copy: no graph copies or grows it.

import type { BuiltModel, Value } from '../graph/core';
import { Graph } from '../graph/graph';
import type { GPTConfig } from '../model/config';
import { attentionBias, declareGPT, gptBody, lmHead } from '../model/gpt';

export const pastKey = (l: number) => `past.${l}.key`;
export const pastValue = (l: number) => `past.${l}.value`;
export const presentKey = (l: number) => `present.${l}.key`;
export const presentValue = (l: number) => `present.${l}.value`;

/** Logits (B, V) of the last position of hidden (B, T, C). */
function lastLogits(g: Graph, c: GPTConfig, params: ReturnType<typeof declareGPT>, hidden: Value): Value {
  const [B, T] = hidden.sizes;
  const last = g.slice(hidden, [T - 1], [T], [1]); // (B, 1, C)
  return g.reshape(lmHead(g, params, last), [B, c.vocabSize]); // (B, V)
}

/** `weights`, when given, are frozen into the model as initializers (faster: prepacked). */
export function prefillModel(c: GPTConfig, B: number, P: number, weights?: Record<string, Float32Array>): BuiltModel {
  const g = new Graph({ name: 'gpt2_prefill' });
  const params = declareGPT(g, c);
  const ids = g.input('input_ids', 'int64', [B, P]);
  const pos = g.input('position_ids', 'int64', [B, P]);
  const mask = g.input('attention_mask', 'float32', [B, P]);
  const { hidden, presents } = gptBody(g, c, params, ids, pos, attentionBias(g, P, mask));
  const outputs: Record<string, Value> = { logits: lastLogits(g, c, params, hidden) };
  presents.forEach((p, l) => {
    outputs[presentKey(l)] = p.key;
    outputs[presentValue(l)] = p.value;
  });
  return g.toModel({ outputs, frozen: weights });
}

/** `past_bias` (B, 1, 1, S) is 0 on cache slots the new token may see and MASKED elsewhere. */
export function stepModel(c: GPTConfig, B: number, S: number, weights?: Record<string, Float32Array>): BuiltModel {
  const g = new Graph({ name: 'gpt2_step' });
  const params = declareGPT(g, c);
  const hs = c.nEmbd / c.nHead;
  const ids = g.input('input_ids', 'int64', [B, 1]);
  const pos = g.input('position_ids', 'int64', [B, 1]);
  const bias = g.input('past_bias', 'float32', [B, 1, 1, S]);
  const past = Array.from({ length: c.nLayer }, (_, l) => ({
    key: g.input(pastKey(l), 'float32', [B, c.nHead, S, hs]),
    value: g.input(pastValue(l), 'float32', [B, c.nHead, S, hs]),
  }));
  const scale = 1 / Math.sqrt(hs);
  const { hidden, presents } = gptBody(g, c, params, ids, pos, (l, q, k, v) => {
    // q, k, v: (B, nh, 1, hs); the new token sees the cache (masked) and itself
    const sPast = g.add(g.mul(g.matmul(q, g.mT(past[l].key)), scale), bias); // (B, nh, 1, S)
    const sSelf = g.mul(g.reduceSum(g.mul(q, k), [-1], { keepdims: true }), scale); // (B, nh, 1, 1)
    const p = g.softmax(g.concat([sPast, sSelf], -1), -1); // (B, nh, 1, S + 1)
    const [pPast, pSelf] = g.split(p, [S, 1], -1);
    return g.add(g.matmul(pPast, past[l].value), g.mul(pSelf, v)); // (B, nh, 1, hs)
  });
  const outputs: Record<string, Value> = { logits: lastLogits(g, c, params, hidden) };
  presents.forEach((p, l) => {
    outputs[presentKey(l)] = p.key;
    outputs[presentValue(l)] = p.value;
  });
  return g.toModel({ outputs, frozen: weights });
}
