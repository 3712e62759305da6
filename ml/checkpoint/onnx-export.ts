// ONNX export for serving: one standalone .onnx with the weights as initializers and the KV
// cache as inputs/outputs, in the layout Optimum's GPT-2 export uses (dynamic batch and lengths):
//
//   input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64, position_ids [batch, seq] int64,
//   past_key_values.N.key/value [batch, nh, past, hs]  →  logits [batch, seq, V], present.N.key/value [batch, nh, past+seq, hs]
//
// The first call passes empty pasts (past = 0). The graph is written node by node (not with the
// static-shape builder) so every length stays dynamic; a test checks it against the training graph.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GPTConfig } from '../model/config';
import { MASKED } from '../model/gpt';
import { encodeModel, type NodeData, type TensorData, type ValueInfoData } from '../onnx/proto';

/** Serializes GPT-2 with KV-cache inputs/outputs (Optimum's names) as ONNX bytes. */
export function gpt2OnnxBytes(c: GPTConfig, params: Record<string, Float32Array>): Uint8Array {
  const C = c.nEmbd;
  const nh = c.nHead;
  const hs = C / nh;
  const nodes: NodeData[] = [];
  const inits: TensorData[] = [];
  let n = 0;
  const op = (opType: string, inputs: string[], attributes: NodeData['attributes'] = {}, outs = 1): string[] => {
    const name = `${opType}_${n++}`;
    const outputs = Array.from({ length: outs }, (_, i) => `${name}:${i}`);
    nodes.push({ name, opType, inputs, outputs, attributes });
    return outputs;
  };
  const op1 = (opType: string, inputs: string[], attributes: NodeData['attributes'] = {}) => op(opType, inputs, attributes)[0];
  const konst = (name: string, dtype: TensorData['dtype'], dims: number[], data: TensorData['data']) => {
    inits.push({ name, dtype, dims, data });
    return name;
  };
  const ints = (name: string, xs: number[]) => konst(name, 'int64', [xs.length], BigInt64Array.from(xs, BigInt));
  const scalarF = (name: string, x: number) => konst(name, 'float32', [], Float32Array.from([x]));
  const w = (name: string, shape: number[]) => {
    const data = params[name];
    if (!data) throw new Error(`exportOnnx: parameter ${name} is missing`);
    return konst(name, 'float32', shape, data);
  };

  // shapes: seq, total = past + seq, past
  const axis0 = ints('axes_0', [0]);
  const seqLen = op1('Shape', ['input_ids'], { start: 1, end: 2 }); // [1]
  const total = op1('Shape', ['attention_mask'], { start: 1, end: 2 }); // [1]
  const past = op1('Sub', [total, seqLen]);
  const zero = konst('zero_i', 'int64', [], BigInt64Array.from([0n]));
  const one = konst('one_i', 'int64', [], BigInt64Array.from([1n]));
  const rows = op1('Range', [op1('Squeeze', [past, axis0]), op1('Squeeze', [total, axis0]), one]); // [seq]: absolute query positions
  const cols = op1('Range', [zero, op1('Squeeze', [total, axis0]), one]); // [total]
  const allowed = op1('LessOrEqual', [op1('Unsqueeze', [cols, axis0]), op1('Unsqueeze', [rows, ints('axes_1', [1])])]); // [seq, total]
  const fzero = scalarF('zero_f', 0);
  const masked = scalarF('masked_f', MASKED);
  const causal = op1('Where', [allowed, fzero, masked]); // [seq, total]
  const keep = op1('Cast', ['attention_mask'], { to: 1 }); // [batch, total]
  const keyBias = op1('Mul', [op1('Sub', [scalarF('one_f', 1), keep]), masked]);
  const bias = op1('Add', [causal, op1('Unsqueeze', [keyBias, ints('axes_12', [1, 2])])]); // [batch, 1, seq, total]

  let x = op1('Add', [op1('Gather', [w('wte.weight', [c.vocabSize, C]), 'input_ids'], { axis: 0 }), op1('Gather', [w('wpe.weight', [c.nCtx, C]), 'position_ids'], { axis: 0 })]);
  const ln = (input: string, p: string) =>
    op1('LayerNormalization', [input, w(`${p}.weight`, [C]), w(`${p}.bias`, [C])], { axis: -1, epsilon: { float: c.layerNormEpsilon } });
  const linear = (input: string, p: string, nIn: number, nOut: number) => op1('Add', [op1('MatMul', [input, w(`${p}.weight`, [nIn, nOut])]), w(`${p}.bias`, [nOut])]);
  const heads5 = ints('shape_heads', [0, 0, 3, nh, hs]);
  const merged = ints('shape_merged', [0, 0, C]);
  const scale = scalarF('scale', 1 / Math.sqrt(hs));
  const outputs: ValueInfoData[] = [{ name: 'logits', dtype: 'float32', dims: [1, 1, c.vocabSize], dimNames: ['batch_size', 'sequence_length'] }];
  const inputs: ValueInfoData[] = [
    { name: 'input_ids', dtype: 'int64', dims: [1, 1], dimNames: ['batch_size', 'sequence_length'] },
    { name: 'attention_mask', dtype: 'int64', dims: [1, 1], dimNames: ['batch_size', 'past_sequence_length + sequence_length'] },
    { name: 'position_ids', dtype: 'int64', dims: [1, 1], dimNames: ['batch_size', 'sequence_length'] },
  ];
  for (let l = 0; l < c.nLayer; l++) {
    const p = `h.${l}`;
    const qkv = op1('Reshape', [linear(ln(x, `${p}.ln_1`), `${p}.attn.c_attn`, C, 3 * C), heads5]); // [b, s, 3, nh, hs]
    const [q, k, v] = op('Split', [op1('Transpose', [qkv], { perm: [2, 0, 3, 1, 4] })], { axis: 0, num_outputs: 3 }, 3).map((t) => op1('Squeeze', [t, axis0])); // [b, nh, s, hs]
    for (const kind of ['key', 'value']) {
      inputs.push({ name: `past_key_values.${l}.${kind}`, dtype: 'float32', dims: [1, nh, 1, hs], dimNames: ['batch_size', undefined, 'past_sequence_length'] });
      outputs.push({ name: `present.${l}.${kind}`, dtype: 'float32', dims: [1, nh, 1, hs], dimNames: ['batch_size', undefined, 'past_sequence_length + sequence_length'] });
    }
    nodes.push({ name: `present_${l}_key`, opType: 'Concat', inputs: [`past_key_values.${l}.key`, k], outputs: [`present.${l}.key`], attributes: { axis: 2 } });
    nodes.push({ name: `present_${l}_value`, opType: 'Concat', inputs: [`past_key_values.${l}.value`, v], outputs: [`present.${l}.value`], attributes: { axis: 2 } });
    const scores = op1('Add', [op1('Mul', [op1('MatMul', [q, op1('Transpose', [`present.${l}.key`], { perm: [0, 1, 3, 2] })]), scale]), bias]); // [b, nh, s, total]
    const y = op1('MatMul', [op1('Softmax', [scores], { axis: -1 }), `present.${l}.value`]); // [b, nh, s, hs]
    const yMerged = op1('Reshape', [op1('Transpose', [y], { perm: [0, 2, 1, 3] }), merged]); // [b, s, C]
    x = op1('Add', [x, linear(yMerged, `${p}.attn.c_proj`, C, C)]);
    const hidden = op1('Gelu', [linear(ln(x, `${p}.ln_2`), `${p}.mlp.c_fc`, C, 4 * C)], { approximate: 'tanh' });
    x = op1('Add', [x, linear(hidden, `${p}.mlp.c_proj`, 4 * C, C)]);
  }
  const wteT = op1('Transpose', ['wte.weight'], { perm: [1, 0] }); // folded to a constant when the session loads
  nodes.push({ name: 'lm_head', opType: 'MatMul', inputs: [ln(x, 'ln_f'), wteT], outputs: ['logits'], attributes: {} });
  return encodeModel({ name: 'gpt2', nodes, initializers: inits, inputs, outputs });
}

/** Writes the .onnx file atomically (temporary name, then rename). */
export function exportOnnx(model: { config: GPTConfig; params: Record<string, Float32Array> }, file: string): void {
  const bytes = gpt2OnnxBytes(model.config, model.params);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}
