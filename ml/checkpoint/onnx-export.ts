// ONNX export for serving: one standalone .onnx with the weights as initializers and the KV
// cache as inputs/outputs, in the layout Optimum's GPT-2 export uses (dynamic batch and lengths):
//
//   input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64, position_ids [batch, seq] int64,
//   past_key_values.N.key/value [batch, nh, past, hs]  →  logits [batch, seq, V], present.N.key/value [batch, nh, past+seq, hs]
//
// The first call passes empty pasts (past = 0). The graph is gptBody itself, built with symbolic
// dimensions (emitted as dim_param), so training, generation and serving share one forward pass.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Value } from '../graph/core';
import { Graph } from '../graph/graph';
import type { GPTConfig } from '../model/config';
import { attention, declareGPT, gptBody, lmHead, MASKED } from '../model/gpt';

// Optimum's dimension names
const BATCH = 'batch_size';
const SEQ = 'sequence_length';
const PAST = 'past_sequence_length';

/**
 * Additive bias (B, 1, seq, past+seq) for attention over a KV cache: MASKED where key j lies after
 * query i (j > past + i) or is padding (attention_mask 0). Positions are counted with CumSum
 * over the inputs, so every length stays symbolic.
 */
function cacheAttentionBias(g: Graph, inputIds: Value, attentionMask: Value): Value {
  const keep = g.cast(attentionMask, g.dtype); // (B, past+seq)
  const onesK = g.add(g.mul(keep, 0), 1);
  const onesQ = g.add(g.mul(g.cast(inputIds, g.dtype), 0), 1); // (B, seq)
  const keyPos = g.cumsum(onesK, 1); // (B, past+seq): 1 … past+seq
  const past = g.sub(g.reduceSum(onesK, [1], { keepdims: true }), g.reduceSum(onesQ, [1], { keepdims: true })); // (B, 1)
  const queryPos = g.add(g.cumsum(onesQ, 1), past); // (B, seq): past+1 … past+seq
  const future = g.greater(g.unsqueeze(keyPos, [1, 2]), g.unsqueeze(queryPos, [1, 3])); // (B, 1, seq, past+seq)
  const causal = g.mul(g.cast(future, g.dtype), MASKED);
  const padding = g.unsqueeze(g.mul(g.sub(1, keep), MASKED), [1, 2]); // (B, 1, 1, past+seq)
  return g.add(causal, padding); // (B, 1, seq, past+seq)
}

/** Serializes GPT-2 with KV-cache inputs/outputs (Optimum's names) as ONNX bytes. */
export function gpt2OnnxBytes(c: GPTConfig, params: Record<string, Float32Array>): Uint8Array {
  const nh = c.nHead;
  const hs = c.nEmbd / nh;
  const g = new Graph({ name: 'gpt2', contribOps: false });
  const p = declareGPT(g, c);
  const inputIds = g.input('input_ids', 'int64', [BATCH, SEQ]);
  const attentionMask = g.input('attention_mask', 'int64', [BATCH, `${PAST} + ${SEQ}`]);
  const positionIds = g.input('position_ids', 'int64', [BATCH, SEQ]);
  const past = Array.from({ length: c.nLayer }, (_, l) => ({
    key: g.input(`past_key_values.${l}.key`, 'float32', [BATCH, nh, PAST, hs]),
    value: g.input(`past_key_values.${l}.value`, 'float32', [BATCH, nh, PAST, hs]),
  }));
  const bias = cacheAttentionBias(g, inputIds, attentionMask);
  const present: Record<string, Value> = {};
  const attend = (l: number, q: Value, k: Value, v: Value): Value => {
    const key = g.concat([past[l].key, k], 2); // (B, nh, past+seq, hs)
    const value = g.concat([past[l].value, v], 2);
    present[`present.${l}.key`] = key;
    present[`present.${l}.value`] = value;
    return attention(g, q, key, value, bias); // (B, nh, seq, hs)
  };
  const { hidden } = gptBody(g, c, p, inputIds, positionIds, attend);
  for (const name of g.params.map((v) => v.name)) if (!params[name]) throw new Error(`exportOnnx: parameter ${name} is missing`);
  return g.toModel({ outputs: { logits: lmHead(g, p, hidden), ...present }, frozen: params }).bytes;
}

/** Writes the .onnx file atomically (temporary name, then rename). */
export function exportOnnx(model: { config: GPTConfig; params: Record<string, Float32Array> }, file: string): void {
  const bytes = gpt2OnnxBytes(model.config, model.params);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}
