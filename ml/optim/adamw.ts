// AdamW as graph nodes: global-norm clipping, bias correction and decoupled weight decay,
// with the learning rate and the step count as scalar inputs. Per parameter it costs
// 13 elementwise ops (plus one ReduceSumSquare when clipping); all scalars fold into them.

import { allocate, type FloatArray } from '../onnx/dtypes';
import type { ParamSpec, Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import { numel } from '../graph/shape';

export interface AdamWOptions {
  beta1?: number; // default 0.9
  beta2?: number; // default 0.999
  eps?: number; // default 1e-8
  /** Decoupled weight decay, applied only to parameters whose spec says decay (default 0.01). */
  weightDecay?: number;
  /** Clip the global gradient norm to this value (default: no clipping). */
  maxGradNorm?: number;
}

/** Names of the optimizer state of parameter `name`. */
export const momentNames = (name: string) => ({ m: `m.${name}`, v: `v.${name}` });

/**
 * Adds the update of `params` from `grads`. Declares inputs `lr` and `step` (1-based, as a float)
 * and `m.<p>`, `v.<p>` per parameter; returns outputs `next.<p>`, `next.m.<p>`, `next.v.<p>` and `grad_norm`.
 */
export function adamw(g: Graph, params: readonly Value[], grads: readonly Value[], o: AdamWOptions = {}): Record<string, Value> {
  const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01, maxGradNorm } = o;
  const dtype = g.dtype;
  const lr = g.input('lr', dtype, []);
  const t = g.input('step', dtype, []);

  // global norm, computed whether or not we clip (it is a useful metric)
  const norm = g.sqrt(g.sum(grads.map((d) => g.reduceSumSquare(d))));
  const clip = maxGradNorm ? g.min(g.div(maxGradNorm, g.add(norm, 1e-6)), 1) : g.scalar(1, dtype); // c = min(1, max/‖g‖)

  // scalar coefficients: m' = β1·m + c1·g,  v' = β2·v + c2·g²,  p' = p·(1 − lr·λ) − a·m'/(√v' + ε̂)
  const bc1 = g.sub(1, g.pow(g.scalar(beta1), t));
  const bc2 = g.sub(1, g.pow(g.scalar(beta2), t));
  const c1 = g.mul(clip, 1 - beta1);
  const c2 = g.mul(g.mul(clip, clip), 1 - beta2);
  const a = g.div(g.mul(lr, g.sqrt(bc2)), bc1);
  const epsHat = g.mul(g.sqrt(bc2), eps);
  const keep = g.sub(1, g.mul(lr, weightDecay));

  const out: Record<string, Value> = { grad_norm: norm };
  params.forEach((p, i) => {
    const d = grads[i];
    const spec = g.paramSpecs.get(p);
    if (!spec) throw new Error(`adamw: ${p} is not a parameter of this graph`);
    const names = momentNames(spec.name);
    const m = g.input(names.m, p.dtype, p.shape);
    const v = g.input(names.v, p.dtype, p.shape);
    const m2 = g.add(g.mul(m, beta1), g.mul(d, c1));
    const v2 = g.add(g.mul(v, beta2), g.mul(g.mul(d, d), c2));
    const update = g.mul(g.div(m2, g.add(g.sqrt(v2), epsHat)), a);
    const decayed = spec.decay && weightDecay ? g.mul(p, keep) : p;
    out[`next.${spec.name}`] = g.sub(decayed, update);
    out[`next.${names.m}`] = m2;
    out[`next.${names.v}`] = v2;
  });
  return out;
}

/** Zeroed moments for every parameter, keyed as the graph's inputs expect. */
export function initAdamWState(specs: readonly ParamSpec[]): Record<string, FloatArray> {
  const out: Record<string, FloatArray> = {};
  for (const s of specs) {
    const names = momentNames(s.name);
    out[names.m] = allocate(s.dtype, numel(s.shape)) as FloatArray;
    out[names.v] = allocate(s.dtype, numel(s.shape)) as FloatArray;
  }
  return out;
}
