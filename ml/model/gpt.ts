// GPT-2 as Hugging Face's `gpt2` has it, written with the engine's graph builder:
// learned token and position embeddings, pre-LayerNorm blocks, causal multi-head
// self-attention, a 4x MLP with tanh-GELU, a final LayerNorm and an lm head tied to wte.
//
// Parameter names are Hugging Face's (`wte.weight`, `h.0.attn.c_attn.weight`, ...) with
// Conv1D's (in, out) weight layout, so checkpoints map one to one. The body is a function of
// graph values, usable inside a larger graph (a reward or value head on the hidden states).

import type { Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import { isStatic, ShapeError, type Dim } from '../graph/shape';
import type { GPTConfig } from './config';
import { gptParamDecls } from './params';

/** Added to attention scores of masked positions (exp underflows to exactly 0). */
export const MASKED = -1e9;

interface LinearParams {
  weight: Value; // (in, out): Conv1D layout
  bias: Value; // (out)
}
interface NormParams {
  weight: Value; // (C)
  bias: Value; // (C)
}
export interface BlockParams {
  ln1: NormParams;
  cAttn: LinearParams; // (C, 3C)
  attnProj: LinearParams; // (C, C)
  ln2: NormParams;
  cFc: LinearParams; // (C, 4C)
  mlpProj: LinearParams; // (4C, C)
}
export interface GPTParams {
  wte: Value; // (V, C), also the lm head
  wpe: Value; // (nCtx, C)
  h: BlockParams[];
  lnF: NormParams;
}

export { gptTensorShapes } from './params';

/** Declares the body's parameters in `g` (names, shapes and init from gptParamDecls). */
export function declareGPT(g: Graph, c: GPTConfig): GPTParams {
  const v = new Map(gptParamDecls(c).map((d) => [d.name, g.param(d.name, d.shape, { init: d.init })]));
  const at = (name: string): Value => v.get(name)!;
  const norm = (name: string): NormParams => ({ weight: at(`${name}.weight`), bias: at(`${name}.bias`) });
  const lin = norm as (name: string) => LinearParams;
  const h: BlockParams[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const p = `h.${l}`;
    h.push({
      ln1: norm(`${p}.ln_1`),
      cAttn: lin(`${p}.attn.c_attn`),
      attnProj: lin(`${p}.attn.c_proj`),
      ln2: norm(`${p}.ln_2`),
      cFc: lin(`${p}.mlp.c_fc`),
      mlpProj: lin(`${p}.mlp.c_proj`),
    });
  }
  return { wte: at('wte.weight'), wpe: at('wpe.weight'), h, lnF: norm('ln_f') };
}

/**
 * Additive attention bias (B or 1, 1, T, T): 0 where query i may see key j (j <= i and key j
 * is a real token), MASKED elsewhere. Without `attentionMask` (B, T) it is causal only,
 * which is exact for right-padded batches (real tokens never see the padding after them).
 */
export function attentionBias(g: Graph, T: number, attentionMask?: Value): Value {
  const causal = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) causal[i * T + j] = MASKED;
  const bias = g.constant(g.dtype === 'float32' ? causal : Float64Array.from(causal), [1, 1, T, T]); // (1, 1, T, T)
  if (!attentionMask) return bias;
  const [B, Tm] = attentionMask.shape;
  if (attentionMask.rank !== 2 || Tm !== T) throw new ShapeError(`attentionBias: attention mask ${attentionMask} should be [B, ${T}]`);
  const keyBias = g.reshape(g.mul(g.sub(1, attentionMask), MASKED), [B, 1, 1, T]); // (B, 1, 1, T)
  return g.add(bias, keyBias); // (B, 1, T, T)
}

/** softmax(q·kᵀ/√hs + bias)·v for q (B, nh, Tq, hs), k and v (B, nh, Tk, hs). */
export function attention(g: Graph, q: Value, k: Value, v: Value, bias: Value): Value {
  const hs = q.shape[3];
  if (typeof hs !== 'number') throw new ShapeError(`attention: the head size of ${q} must be static`);
  // one FusedMatMul (kᵀ and the scale folded in, forward and backward) where the graph allows it
  const scores = g.add(g.fusedMatMul(q, k, { transB: true, alpha: 1 / Math.sqrt(hs) }), bias); // (B, nh, Tq, Tk)
  return g.matmul(g.softmax(scores, -1), v); // (B, nh, Tq, hs)
}

/** The attention core a block calls: full causal attention, or attention over a KV cache. */
export type Attend = (layer: number, q: Value, k: Value, v: Value) => Value;

/** Splits fused qkv (B, T, 3C) into q, k, v as (B, nh, T, hs). */
function heads(g: Graph, c: GPTConfig, qkv: Value): [Value, Value, Value] {
  const [B, T] = qkv.shape;
  const hs = c.nEmbd / c.nHead;
  if (T === 1) {
    // one position (a generation step): the head split is a reshape, no transpose
    const x = g.reshape(qkv, [B, 3, c.nHead, 1, hs]); // (B, 3, nh, 1, hs)
    const [q, k, v] = g.split(x, [1, 1, 1], 1).map((s) => g.reshape(s, [B, c.nHead, 1, hs])); // (B, nh, 1, hs)
    return [q, k, v];
  }
  const x = g.reshape(qkv, [B, T, 3, c.nHead, hs]); // (B, T, 3, nh, hs)
  const t = g.transpose(x, [2, 0, 3, 1, 4]); // (3, B, nh, T, hs)
  const [q, k, v] = g.split(t, [1, 1, 1], 0).map((s) => g.squeeze(s, [0])); // (B, nh, T, hs)
  return [q, k, v];
}

function mlp(g: Graph, p: BlockParams, x: Value): Value {
  const h = g.gelu(g.linear(x, p.cFc.weight, p.cFc.bias)); // (B, T, 4C)
  return g.linear(h, p.mlpProj.weight, p.mlpProj.bias); // (B, T, C)
}

interface BlockOut {
  x: Value; // (B, T, C)
  key: Value; // (B, nh, T, hs): this block's keys for the KV cache
  value: Value; // (B, nh, T, hs)
}

/** One pre-LN transformer block: x + attn(ln_1(x)), then + mlp(ln_2(x)). */
export function block(g: Graph, c: GPTConfig, layer: number, p: BlockParams, x: Value, attend: Attend): BlockOut {
  const [B, T, C] = x.shape;
  const eps = c.layerNormEpsilon;
  return g.scope(`h${layer}`, () => {
    const qkv = g.linear(g.layerNorm(x, p.ln1.weight, p.ln1.bias, eps), p.cAttn.weight, p.cAttn.bias); // (B, T, 3C)
    const [q, k, v] = heads(g, c, qkv);
    const y = attend(layer, q, k, v); // (B, nh, T, hs)
    const merged = g.reshape(T === 1 ? y : g.transpose(y, [0, 2, 1, 3]), [B, T, C]); // (B, T, C); with T = 1 the transpose is a reshape
    const x1 = g.add(x, g.linear(merged, p.attnProj.weight, p.attnProj.bias));
    const x2 = g.add(x1, mlp(g, p, g.layerNorm(x1, p.ln2.weight, p.ln2.bias, eps)));
    return { x: x2, key: k, value: v };
  });
}

export interface BodyOut {
  /** Final hidden states after ln_f (B, T, C): heads attach here. */
  hidden: Value;
  /** Per layer, keys and values (B, nh, T, hs) of these positions. */
  presents: Array<{ key: Value; value: Value }>;
}

/**
 * The transformer body. `inputIds` and `positionIds` are int64 (B, T); `positionIds` 'arange' means
 * 0 … T−1 in every row (right-padded batches). `attend` defaults to causal attention with `bias`
 * (see attentionBias).
 */
export function gptBody(g: Graph, c: GPTConfig, p: GPTParams, inputIds: Value, positionIds: Value | 'arange', attend: Attend | Value): BodyOut {
  if (inputIds.rank !== 2 || (positionIds !== 'arange' && positionIds.rank !== 2)) {
    throw new ShapeError(`gptBody: input ids ${inputIds} and position ids ${positionIds} must be [B, T]`);
  }
  const T = inputIds.shape[1];
  if (typeof T === 'number' && T > c.nCtx) throw new ShapeError(`gptBody: sequence length ${T} exceeds the context nCtx = ${c.nCtx}`);
  const att: Attend = typeof attend === 'function' ? attend : (_l, q, k, v) => attention(g, q, k, v, attend);
  let x = g.add(g.gather(p.wte, inputIds, 0), positionEmbeddings(g, p, positionIds, T)); // (B, T, C)
  const presents: BodyOut['presents'] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const out = block(g, c, l, p.h[l], x, att);
    x = out.x;
    presents.push({ key: out.key, value: out.value });
  }
  return { hidden: g.layerNorm(x, p.lnF.weight, p.lnF.bias, c.layerNormEpsilon), presents };
}

/**
 * wpe rows for the positions: a gather (B, T, C), or with 'arange' the first T rows (T, C), added
 * to every row by broadcasting, so that wpe's gradient is a sum over the batch and a pad, not a
 * scatter-add of B·T rows.
 */
function positionEmbeddings(g: Graph, p: GPTParams, positionIds: Value | 'arange', T: Dim): Value {
  if (positionIds !== 'arange') return g.gather(p.wpe, positionIds, 0); // (B, T, C)
  if (typeof T !== 'number') throw new ShapeError(`gptBody: 'arange' positions need a static sequence length, got ${T}`);
  return T === p.wpe.sizes[0] ? p.wpe : g.slice(p.wpe, [0], [T], [0]); // (T, C)
}

/** Tied lm head: logits = hidden · wteᵀ, hidden (..., C) → (..., V), one Gemm on the rows. */
export function lmHead(g: Graph, p: GPTParams, hidden: Value): Value {
  const [V, C] = p.wte.sizes;
  if (!isStatic(hidden.shape)) return g.matmul(hidden, g.transpose(p.wte)); // symbolic dims (an exported model): (..., C)·(C, V); the transpose folds at load
  const rows = g.reshape(hidden, [-1, C]); // (N, C)
  const logits = g.gemm(rows, p.wte, undefined, { transB: true }); // (N, V)
  return g.reshape(logits, [...hidden.shape.slice(0, -1), V]); // (..., V)
}

export interface GPTGraph {
  params: GPTParams;
  inputIds: Value; // int64 (B, T)
  positionIds?: Value; // int64 (B, T); absent with positions 'arange'
  attentionMask?: Value; // float (B, T), when keyMask
  hidden: Value; // (B, T, C)
  logits: Value; // (B, T, V)
  presents: BodyOut['presents'];
}

export interface BuildOptions {
  batch: number;
  seq: number;
  /** Declare an `attention_mask` (B, T) input (1 = real token) for left-padded batches (default false). */
  keyMask?: boolean;
  /**
   * 'input' (default): a `position_ids` (B, T) input. 'arange': no such input, every row's positions
   * are 0 … T−1 (right-padded batches: pretraining, SFT), which makes wpe's gradient a sum over the batch.
   */
  positions?: 'input' | 'arange';
  /** Reuse parameters already declared in `g` (e.g. a reward model sharing the body). */
  params?: GPTParams;
}

/**
 * Declares inputs `input_ids`, `position_ids` (unless positions 'arange'; `attention_mask` when
 * keyMask) and the parameters, and builds the full forward pass to logits.
 */
export function buildGPT(g: Graph, c: GPTConfig, o: BuildOptions): GPTGraph {
  if (o.seq > c.nCtx) throw new ShapeError(`buildGPT: sequence length ${o.seq} exceeds the context nCtx = ${c.nCtx}`);
  const params = o.params ?? declareGPT(g, c);
  const inputIds = g.input('input_ids', 'int64', [o.batch, o.seq]);
  const positionIds = o.positions === 'arange' ? undefined : g.input('position_ids', 'int64', [o.batch, o.seq]);
  const attentionMask = o.keyMask ? g.input('attention_mask', g.dtype, [o.batch, o.seq]) : undefined;
  const bias = attentionBias(g, o.seq, attentionMask);
  const { hidden, presents } = gptBody(g, c, params, inputIds, positionIds ?? 'arange', bias);
  return { params, inputIds, positionIds, attentionMask, hidden, logits: lmHead(g, params, hidden), presents };
}

/**
 * Hidden states (B, C) at one position per row, e.g. the last real token, where a reward or
 * value head attaches. `index` is int64 (B); differentiable with respect to `hidden`.
 */
export function hiddenAt(g: Graph, hidden: Value, index: Value): Value {
  const [B, , C] = hidden.shape;
  if (index.rank !== 1 || index.shape[0] !== B) throw new ShapeError(`hiddenAt: index ${index} should be [${B}]`);
  const idx = g.expand(g.reshape(index, [B, 1, 1]), [B, 1, C]); // (B, 1, C)
  return g.reshape(g.gatherElements(hidden, idx, 1), [B, C]); // (B, C)
}
