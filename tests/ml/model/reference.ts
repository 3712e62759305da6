// A plain-JavaScript float64 GPT-2 forward pass (no engine), the reference the graphs are checked against.

import type { GPTConfig } from '../../../ml/index';

type P = Record<string, Float32Array>;

function layerNorm(x: Float64Array, w: Float32Array, b: Float32Array, eps: number): Float64Array {
  const C = w.length;
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / C; r++) {
    let mu = 0;
    for (let i = 0; i < C; i++) mu += x[r * C + i];
    mu /= C;
    let v = 0;
    for (let i = 0; i < C; i++) v += (x[r * C + i] - mu) ** 2;
    const s = 1 / Math.sqrt(v / C + eps);
    for (let i = 0; i < C; i++) out[r * C + i] = (x[r * C + i] - mu) * s * w[i] + b[i];
  }
  return out;
}

function linear(x: Float64Array, w: Float32Array, b: Float32Array | undefined, nIn: number, nOut: number): Float64Array {
  const rows = x.length / nIn;
  const out = new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < nOut; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < nIn; i++) s += x[r * nIn + i] * w[i * nOut + o];
      out[r * nOut + o] = s;
    }
  return out;
}

const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** Logits (T, V) of one unpadded sequence. */
export function referenceLogits(c: GPTConfig, p: P, ids: number[]): Float64Array {
  const T = ids.length;
  const C = c.nEmbd;
  const nh = c.nHead;
  const hs = C / nh;
  let x = new Float64Array(T * C);
  for (let t = 0; t < T; t++) for (let i = 0; i < C; i++) x[t * C + i] = p['wte.weight'][ids[t] * C + i] + p['wpe.weight'][t * C + i];
  for (let l = 0; l < c.nLayer; l++) {
    const q = (n: string) => p[`h.${l}.${n}`];
    const h = layerNorm(x, q('ln_1.weight'), q('ln_1.bias'), c.layerNormEpsilon);
    const qkv = linear(h, q('attn.c_attn.weight'), q('attn.c_attn.bias'), C, 3 * C);
    const y = new Float64Array(T * C);
    for (let head = 0; head < nh; head++)
      for (let i = 0; i < T; i++) {
        const scores: number[] = [];
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let d = 0; d < hs; d++) s += qkv[i * 3 * C + head * hs + d] * qkv[j * 3 * C + C + head * hs + d];
          scores.push(s / Math.sqrt(hs));
        }
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let d = 0; d < hs; d++) {
          let s = 0;
          for (let j = 0; j <= i; j++) s += (e[j] / z) * qkv[j * 3 * C + 2 * C + head * hs + d];
          y[i * C + head * hs + d] = s;
        }
      }
    const a = linear(y, q('attn.c_proj.weight'), q('attn.c_proj.bias'), C, C);
    x = x.map((v, i) => v + a[i]);
    const h2 = layerNorm(x, q('ln_2.weight'), q('ln_2.bias'), c.layerNormEpsilon);
    const f = linear(h2, q('mlp.c_fc.weight'), q('mlp.c_fc.bias'), C, 4 * C).map(gelu);
    const o = linear(f, q('mlp.c_proj.weight'), q('mlp.c_proj.bias'), 4 * C, C);
    x = x.map((v, i) => v + o[i]);
  }
  const hf = layerNorm(x, p['ln_f.weight'], p['ln_f.bias'], c.layerNormEpsilon);
  const V = c.vocabSize;
  const logits = new Float64Array(T * V);
  for (let t = 0; t < T; t++)
    for (let v = 0; v < V; v++) {
      let s = 0;
      for (let i = 0; i < C; i++) s += hf[t * C + i] * p['wte.weight'][v * C + i];
      logits[t * V + v] = s;
    }
  return logits;
}
