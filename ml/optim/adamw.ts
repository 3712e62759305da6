// AdamW as graph nodes: global-norm clipping, bias correction and decoupled weight decay,
// with the learning rate and the step count as scalar inputs. The update is 13 elementwise ops;
// all scalars fold into them. Small tensors (biases, norm weights) are updated together as one
// flat vector per (dtype, decay) group, so ~13 ops cover them all instead of 13 per tensor; the
// state stays one `m.<p>`/`v.<p>` tensor per parameter.

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

/** Tensors up to this many elements are updated in a flat group (the per-op cost outweighs their data). */
export const FLAT_MAX_ELEMENTS = 16384;

interface Slot {
  spec: ParamSpec;
  p: Value;
  d: Value;
  m: Value;
  v: Value;
}

/**
 * Adds the update of `params` from `grads`. Declares inputs `lr` and `step` (1-based, as a float)
 * and `m.<p>`, `v.<p>` per parameter; returns outputs `next.<p>`, `next.m.<p>`, `next.v.<p>` and `grad_norm`.
 */
export function adamw(g: Graph, params: readonly Value[], grads: readonly Value[], o: AdamWOptions = {}): Record<string, Value> {
  return g.scope('adamw', () => update(g, params, grads, o)); // node names 'adamw.*' (bench:ml-profile sums them)
}

function update(g: Graph, params: readonly Value[], grads: readonly Value[], o: AdamWOptions): Record<string, Value> {
  const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01, maxGradNorm } = o;
  const dtype = g.dtype;
  const lr = g.input('lr', dtype, []);
  const t = g.input('step', dtype, []);

  const slots: Slot[] = params.map((p, i) => {
    const spec = g.paramSpecs.get(p);
    if (!spec) throw new Error(`adamw: ${p} is not a parameter of this graph`);
    const names = momentNames(spec.name);
    return { spec, p, d: grads[i], m: g.input(names.m, p.dtype, p.shape), v: g.input(names.v, p.dtype, p.shape) };
  });
  // small tensors of one dtype and decay flag become one flat slot
  const groups = new Map<string, Slot[]>();
  const units: Slot[][] = [];
  for (const s of slots) {
    if (s.p.size > FLAT_MAX_ELEMENTS) {
      units.push([s]);
      continue;
    }
    const key = `${s.p.dtype}:${s.spec.decay}`;
    if (!groups.has(key)) units.push(groups.set(key, []).get(key)!);
    groups.get(key)!.push(s);
  }
  const flat = (vs: Value[]) =>
    vs.length === 1
      ? vs[0]
      : g.concat(
          vs.map((x) => g.reshape(x, [x.size])),
          0,
        ); // (Σ n)
  const flatGrads = units.map((u) => flat(u.map((s) => s.d)));

  // global norm, computed whether or not we clip (it is a useful metric)
  const norm = g.sqrt(g.sum(flatGrads.map((d) => g.reduceSumSquare(d))));
  const clip = maxGradNorm ? g.min(g.div(maxGradNorm, g.add(norm, 1e-6)), 1) : g.scalar(1, dtype); // c = min(1, max/‖g‖)

  // scalar coefficients: m' = β1·m + c1·g,  v' = β2·v + c2·g²,  p' = p·(1 − lr·λ) − a·m'/(√v' + ε̂)
  const bc1 = g.sub(1, g.pow(g.scalar(beta1), t));
  const bc2 = g.sub(1, g.pow(g.scalar(beta2), t));
  const c1 = g.mul(clip, 1 - beta1);
  const c2 = g.mul(g.mul(clip, clip), 1 - beta2);
  const rootBc2 = g.sqrt(bc2);
  const a = g.div(g.mul(lr, rootBc2), bc1);
  const epsHat = g.mul(rootBc2, eps);
  const keep = g.sub(1, g.mul(lr, weightDecay));

  const out: Record<string, Value> = { grad_norm: norm };
  units.forEach((unit, u) => {
    const d = flatGrads[u];
    const [p, m, v] = (['p', 'm', 'v'] as const).map((k) => flat(unit.map((s) => s[k])));
    const m2 = g.add(g.mul(m, beta1), g.mul(d, c1));
    const v2 = g.add(g.mul(v, beta2), g.mul(g.mul(d, d), c2));
    const update = g.mul(g.div(m2, g.add(g.sqrt(v2), epsHat)), a);
    const decayed = unit[0].spec.decay && weightDecay ? g.mul(p, keep) : p;
    const p2 = g.sub(decayed, update);
    // back to one tensor per parameter
    const pieces = (x: Value) =>
      unit.length === 1
        ? [x]
        : g
            .split(
              x,
              unit.map((s) => s.p.size),
              0,
            )
            .map((y, i) => g.reshape(y, unit[i].p.shape));
    const [ps, ms, vs] = [pieces(p2), pieces(m2), pieces(v2)];
    unit.forEach((s, i) => {
      const names = momentNames(s.spec.name);
      out[`next.${s.spec.name}`] = ps[i];
      out[`next.${names.m}`] = ms[i];
      out[`next.${names.v}`] = vs[i];
    });
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
