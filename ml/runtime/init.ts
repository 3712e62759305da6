// Seeded parameter initialization into JS typed arrays.

import { allocate, type FloatArray } from '../onnx/dtypes';
import type { ParamSpec } from '../graph/core';
import { numel } from '../graph/shape';

/** mulberry32: a small, fast, seedable 32-bit PRNG. Returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller). */
export function normal(rand: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - rand(); // (0, 1]
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * rand();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** FNV-1a of a string, so each parameter's stream depends only on (seed, name). */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Fills every parameter from its init spec. The same seed and name always give the same values. */
export function initParams(specs: readonly ParamSpec[], seed: number): Record<string, FloatArray> {
  const out: Record<string, FloatArray> = {};
  for (const spec of specs) {
    const data = allocate(spec.dtype, numel(spec.shape)) as FloatArray;
    const rand = prng(seed ^ hash(spec.name));
    const init = spec.init;
    if (init.kind === 'normal') {
      const n = normal(rand);
      for (let i = 0; i < data.length; i++) data[i] = (init.mean ?? 0) + init.std * n();
    } else if (init.kind === 'uniform') {
      for (let i = 0; i < data.length; i++) data[i] = init.low + (init.high - init.low) * rand();
    } else if (init.kind === 'ones') {
      data.fill(1);
    }
    out[spec.name] = data;
  }
  return out;
}
