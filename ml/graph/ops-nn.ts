// Linear algebra, reductions and the normalizations a transformer needs.

import { assertFloat, assertSameDtype, Value } from './core';
import { TensorOps } from './ops-tensor';
import { broadcastShapes, fmt, isStatic, normAxes, normAxis, ShapeError, type Dim } from './shape';

export interface ReduceOptions {
  keepdims?: boolean;
}

export class NnOps extends TensorOps {
  /** Batched matrix product over the last two axes (leading axes broadcast). Ranks >= 2. */
  matmul(a: Value, b: Value): Value {
    assertFloat('MatMul', a, b);
    assertSameDtype('MatMul', a, b);
    if (a.rank < 2 || b.rank < 2) throw new ShapeError(`MatMul: ${a} and ${b} need rank >= 2`);
    const [m, k] = a.shape.slice(-2);
    const [k2, n] = b.shape.slice(-2);
    if (k !== k2) throw new ShapeError(`MatMul: cannot multiply ${fmt(a.shape)} by ${fmt(b.shape)}: inner dimensions ${k} and ${k2} differ`);
    const batch = broadcastShapes('MatMul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    return this.op1('MatMul', [a, b], { dtype: a.dtype, shape: [...batch, m, n] });
  }

  /**
   * alpha·op(A)·op(B) over the last two axes, op = optional swap of those axes, leading axes
   * broadcast (ranks >= 2). In float32 graphs with contribOps, one com.microsoft FusedMatMul: the
   * transposes and the scaling cost no pass of their own. Elsewhere (float64, which that kernel
   * lacks, or a portable model) Transpose, MatMul and Mul, the same function.
   */
  fusedMatMul(a: Value, b: Value, o: { transA?: boolean; transB?: boolean; alpha?: number } = {}): Value {
    const alpha = o.alpha ?? 1;
    if (!this.contribOps || a.dtype !== 'float32') {
      const y = this.matmul(o.transA ? this.mT(a) : a, o.transB ? this.mT(b) : b);
      return alpha === 1 ? y : this.mul(y, alpha);
    }
    assertSameDtype('FusedMatMul', a, b);
    if (a.rank < 2 || b.rank < 2) throw new ShapeError(`FusedMatMul: ${a} and ${b} need rank >= 2`);
    const [m, k] = swapLast(a.shape.slice(-2), o.transA);
    const [k2, n] = swapLast(b.shape.slice(-2), o.transB);
    if (k !== k2) {
      throw new ShapeError(
        `FusedMatMul: cannot multiply ${fmt(a.shape)}${o.transA ? 'ᵀ' : ''} by ${fmt(b.shape)}${o.transB ? 'ᵀ' : ''}: inner dimensions ${k} and ${k2} differ`,
      );
    }
    const batch = broadcastShapes('FusedMatMul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    const attrs = { alpha: { float: alpha }, transA: o.transA ? 1 : 0, transB: o.transB ? 1 : 0 };
    return this.op1('FusedMatMul', [a, b], { dtype: a.dtype, shape: [...batch, m, n] }, attrs);
  }

  /** alpha·op(A)·op(B) + beta·C for 2-D A and B, op = optional transpose; C broadcasts. */
  gemm(a: Value, b: Value, c?: Value, o: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}): Value {
    assertFloat('Gemm', a, b);
    assertSameDtype('Gemm', a, b, ...(c ? [c] : []));
    if (a.rank !== 2 || b.rank !== 2) throw new ShapeError(`Gemm: ${a} and ${b} must be 2-D`);
    const [m, k] = o.transA ? [a.shape[1], a.shape[0]] : a.shape;
    const [k2, n] = o.transB ? [b.shape[1], b.shape[0]] : b.shape;
    if (k !== k2) {
      throw new ShapeError(
        `Gemm: cannot multiply ${fmt(a.shape)}${o.transA ? 'ᵀ' : ''} by ${fmt(b.shape)}${o.transB ? 'ᵀ' : ''}: inner dimensions ${k} and ${k2} differ`,
      );
    }
    if (c) {
      const s = broadcastShapes('Gemm', c.shape, [m, n]);
      if (s[0] !== m || s[1] !== n) throw new ShapeError(`Gemm: C ${fmt(c.shape)} does not broadcast to [${m}, ${n}]`);
    }
    const attrs = { alpha: { float: o.alpha ?? 1 }, beta: { float: o.beta ?? 1 }, transA: o.transA ? 1 : 0, transB: o.transB ? 1 : 0 };
    return this.op1('Gemm', c ? [a, b, c] : [a, b], { dtype: a.dtype, shape: [m, n] }, attrs);
  }

  /** x·W + b for x of any rank >= 2 and 2-D W: one Gemm on the flattened rows. */
  linear(x: Value, w: Value, b?: Value): Value {
    if (w.rank !== 2) throw new ShapeError(`linear: weight ${w} must be 2-D`);
    if (x.shape[x.rank - 1] !== w.shape[0]) throw new ShapeError(`linear: cannot multiply ${fmt(x.shape)} by ${fmt(w.shape)}`);
    // symbolic leading dims (an exported model): one batched MatMul, as the rows cannot be flattened and restored with static sizes
    if (!isStatic(x.shape)) return b ? this.add(this.matmul(x, w), b) : this.matmul(x, w);
    const rows = this.reshape(x, [-1, w.shape[0]]); // (N, C)
    const y = this.gemm(rows, w, b);
    return this.reshape(y, [...x.shape.slice(0, -1), w.shape[1]]);
  }

  private reduce(op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax' | 'ReduceSumSquare', x: Value, axes: readonly number[] | undefined, o: ReduceOptions): Value {
    assertFloat(op, x);
    const ax = normAxes(op, axes ?? x.shape.map((_, i) => i), x.rank);
    const keep = o.keepdims ?? false;
    const shape = keep ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !ax.includes(i));
    // Reduced axes in more than one run (e.g. [0, 2] of (a, b, c)) take onnxruntime's KRK kernel, whose
    // float32 result depends on the thread count (and its transpose optimizer undoes a transpose put in
    // front): reduce one run at a time, the last first, so each reduction is over adjacent axes.
    const runs = splitRuns(ax.filter((a) => x.shape[a] !== 1));
    if (runs.length > 1) {
      let y = x;
      runs.reverse().forEach((run, k) => {
        const o = k === 0 || op !== 'ReduceSumSquare' ? op : 'ReduceSum'; // squares once, then sums
        y = this.op1(o, [y, this.ints(run)], { dtype: x.dtype, shape: y.shape.map((d, i) => (run.includes(i) ? 1 : d)) }, { keepdims: 1 });
      });
      return this.reshape(y, shape);
    }
    return this.op1(op, [x, this.ints(ax)], { dtype: x.dtype, shape }, { keepdims: keep ? 1 : 0 });
  }

  /** Sum over `axes` (all axes when omitted). */
  reduceSum(x: Value, axes?: readonly number[], o: ReduceOptions = {}): Value {
    return this.reduce('ReduceSum', x, axes, o);
  }
  reduceMean(x: Value, axes?: readonly number[], o: ReduceOptions = {}): Value {
    return this.reduce('ReduceMean', x, axes, o);
  }
  reduceMax(x: Value, axes?: readonly number[], o: ReduceOptions = {}): Value {
    return this.reduce('ReduceMax', x, axes, o);
  }

  /** Σ x² over `axes` (all when omitted) in one op. */
  reduceSumSquare(x: Value, axes?: readonly number[], o: ReduceOptions = {}): Value {
    return this.reduce('ReduceSumSquare', x, axes, o);
  }

  softmax(x: Value, axis = -1): Value {
    assertFloat('Softmax', x);
    return this.op1('Softmax', [x], { dtype: x.dtype, shape: x.shape }, { axis: normAxis('Softmax', axis, x.rank) });
  }

  logSoftmax(x: Value, axis = -1): Value {
    assertFloat('LogSoftmax', x);
    return this.op1('LogSoftmax', [x], { dtype: x.dtype, shape: x.shape }, { axis: normAxis('LogSoftmax', axis, x.rank) });
  }

  /** Fused LayerNormalization over the last axis: (x − μ)/√(σ² + ε)·w + b. */
  layerNorm(x: Value, w: Value, b: Value, eps = 1e-5): Value {
    assertFloat('LayerNormalization', x, w, b);
    assertSameDtype('LayerNormalization', x, w, b);
    const c = x.shape[x.rank - 1];
    if (w.rank !== 1 || b.rank !== 1 || w.shape[0] !== c || b.shape[0] !== c) {
      throw new ShapeError(`LayerNormalization: weight ${fmt(w.shape)} and bias ${fmt(b.shape)} must be [${c}] for input ${fmt(x.shape)}`);
    }
    const attrs = { axis: -1, epsilon: { float: eps } };
    if (x.dtype !== 'float32') return this.op1('LayerNormalization', [x, w, b], { dtype: x.dtype, shape: x.shape }, attrs);
    // float32: also output the statistics (Mean, InvStdDev), which the gradient reuses instead of recomputing them
    // (onnxruntime computes them in float32 only, so float64 graphs recompute them exactly)
    const stats = { dtype: x.dtype, shape: [...x.shape.slice(0, -1), 1] };
    return this.op('LayerNormalization', [x, w, b], [{ dtype: x.dtype, shape: x.shape }, stats, stats], attrs)[0];
  }

  /** The same normalization from primitives (reference for the fused op; differentiated op by op). */
  layerNormPrimitive(x: Value, w: Value, b: Value, eps = 1e-5): Value {
    const mu = this.reduceMean(x, [-1], { keepdims: true }); // (..., 1)
    const xc = this.sub(x, mu);
    const variance = this.reduceMean(this.mul(xc, xc), [-1], { keepdims: true }); // (..., 1)
    const xhat = this.div(xc, this.sqrt(this.add(variance, eps)));
    return this.add(this.mul(xhat, w), b);
  }
}

/** Sorted axes split into runs of adjacent axes: [0, 2, 3] → [[0], [2, 3]]. */
function splitRuns(axes: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const a of [...axes].sort((p, q) => p - q)) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === a - 1) last.push(a);
    else runs.push([a]);
  }
  return runs;
}

/** The last two dimensions, swapped when `swap`. */
function swapLast(d: readonly Dim[], swap?: boolean): Dim[] {
  return swap ? [d[1], d[0]] : [d[0], d[1]];
}
