// Shared test helpers: seeded random tensors and the finite-difference gradient check.

import { Graph, grad, prng, Session, type AnyTypedArray, type BuiltModel, type DType, type FloatDType, type Value } from '../../ml/index';

export interface TensorSpec {
  shape: number[];
  dtype?: DType; // default float64
  /** Values for int64/bool tensors, or fixed float values. */
  data?: number[];
  /** Float values are drawn from ±[min, max] (away from kinks at 0 when min > 0). */
  min?: number;
  max?: number;
  positive?: boolean;
}

/** Whether two arrays hold the same bytes (bit-for-bit comparisons across thread counts and runs). */
export function bitsEqual(a: AnyTypedArray, b: AnyTypedArray): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A float typed array as plain numbers (feeds are typed as the union of all typed arrays). */
export const nums = (a: AnyTypedArray): number[] => Array.from(a as ArrayLike<number>);

function randomData(spec: TensorSpec, rand: () => number): AnyTypedArray {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.dtype ?? 'float64';
  if (spec.data) {
    if (dtype === 'int64') return BigInt64Array.from(spec.data, BigInt);
    if (dtype === 'bool') return Uint8Array.from(spec.data);
    return dtype === 'float32' ? Float32Array.from(spec.data) : Float64Array.from(spec.data);
  }
  const lo = spec.min ?? 0.1;
  const hi = spec.max ?? 1.5;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mag = lo + (hi - lo) * rand();
    out[i] = spec.positive || rand() < 0.5 ? mag : -mag;
  }
  return dtype === 'float32' ? Float32Array.from(out) : out;
}

export interface GradCase {
  rule: string;
  name: string;
  inputs: Record<string, TensorSpec>;
  /** Inputs to differentiate with respect to (default: all float inputs). */
  wrt?: string[];
  build: (g: Graph, x: Record<string, Value>) => Value;
  /**
   * The same function from exact primitives, differenced instead of `build` when the op's
   * kernel is itself approximate (onnxruntime's Gelu is accurate to ~1e-8 only).
   */
  reference?: (g: Graph, x: Record<string, Value>) => Value;
  /**
   * 'float32' for an op onnxruntime runs in float32 only (a com.microsoft kernel): the analytic
   * gradient is the float32 graph's, the finite differences are taken on the float64 graph (where
   * the builder writes the op from primitives) at the same, float32-rounded, point.
   */
  only?: 'float32';
}

export interface CaseModel {
  /** Outputs: loss and grad.<input> for every wrt input. */
  full: BuiltModel;
  /** Output: the loss (of `reference` when the case has one). */
  lossOnly: BuiltModel;
  data: Record<string, AnyTypedArray>;
  wrt: string[];
}

/** Builds a case as loss = Σ out · R (R random, so every output element matters) in `dtype`. */
export function caseModel(c: GradCase, dtype: FloatDType = 'float64', seed = 1): CaseModel {
  const rand = prng(seed);
  const g = new Graph({ dtype });
  const values: Record<string, Value> = {};
  const data: Record<string, AnyTypedArray> = {};
  const floatIn = (spec: TensorSpec) => (spec.dtype ?? 'float64') === 'float64';
  for (const [name, spec] of Object.entries(c.inputs)) {
    const d = floatIn(spec) ? { ...spec, dtype } : spec;
    values[name] = g.input(name, d.dtype ?? dtype, d.shape);
    data[name] = randomData(d, rand);
  }
  const out = c.build(g, values);
  const r = g.constant(randomData({ shape: out.sizes, min: 0.5, max: 1.5, dtype }, rand), out.sizes, dtype);
  const loss = g.reduceSum(g.mul(out, r));
  const fdLoss = c.reference ? g.reduceSum(g.mul(c.reference(g, values), r)) : loss;
  const wrt = c.wrt ?? Object.keys(c.inputs).filter((k) => floatIn(c.inputs[k]));
  const grads = grad(
    g,
    loss,
    wrt.map((k) => values[k]),
  );
  const outputs: Record<string, Value> = { loss };
  wrt.forEach((k, i) => (outputs[`grad.${k}`] = grads[i]));
  return { full: g.toModel({ outputs }), lossOnly: g.toModel({ outputs: { loss: fdLoss } }), data, wrt };
}

/** |analytic − numeric| / max(|analytic|, |numeric|, 1e-3), maximized over every element. */
export async function gradCheck(c: GradCase, seed = 1): Promise<number> {
  const { full: fullModel, lossOnly: lossModel, data, wrt } = caseModel(c, 'float64', seed);
  const full = await Session.create(fullModel);
  const lossOnly = await Session.create(lossModel);
  let analytic = await full.run(data);
  if (c.only === 'float32') {
    const f32 = caseModel(c, 'float32', seed);
    const s32 = await Session.create(f32.full);
    analytic = await s32.run(f32.data);
    await s32.dispose();
    for (const [k, v] of Object.entries(f32.data)) if (v instanceof Float32Array) data[k] = Float64Array.from(v); // the same point
  }

  const h = 1e-5;
  let worst = 0;
  for (const k of wrt) {
    const x = data[k] as Float64Array;
    const a = analytic[`grad.${k}`] as Float64Array | Float32Array;
    for (let i = 0; i < x.length; i++) {
      const x0 = x[i];
      x[i] = x0 + h;
      const up = (await lossOnly.run(data)).loss[0] as number;
      x[i] = x0 - h;
      const down = (await lossOnly.run(data)).loss[0] as number;
      x[i] = x0;
      const numeric = (up - down) / (2 * h);
      const err = Math.abs(a[i] - numeric) / Math.max(Math.abs(a[i]), Math.abs(numeric), 1e-3);
      worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
    }
  }
  await full.dispose();
  await lossOnly.dispose();
  return worst;
}
