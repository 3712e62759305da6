// The gradient table: ONE rule per op type. A rule receives the forward node and the
// gradients of its outputs and returns, per input, a thunk building that input's gradient
// (only thunks for inputs that need a gradient are called). Inputs listed in `nondiff`
// (indices, masks, shapes, axes) never receive a gradient.

import type { Node, Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import type { OpType } from '../graph/op-types';
import { inversePerm } from '../graph/shape';
import { gemmProduct } from './gemm-product';
import { rowScaled } from './row-scale';
import { unbroadcast } from './unbroadcast';

/**
 * Builds one input's gradient. A rule listed with `accumulates` for that input receives the sum of
 * the input's other gradient contributions so far (when there are some) and returns that sum plus
 * its own contribution, e.g. scattering into it instead of into zeros.
 */
type Thunk = ((sofar?: Value) => Value) | undefined;
/**
 * What a rule may ask about the rest of the tape: the nodes that read a value, and a value's
 * gradient when it is already complete (a later node's output: the reverse pass has been there).
 */
export interface GradContext {
  readers: (v: Value) => readonly Node[];
  gradOf: (v: Value) => Value | undefined;
}
export type GradRule = (g: Graph, node: Node, dy: Value[], ctx: GradContext) => Thunk[];
export interface GradEntry {
  /** Input positions that are not differentiable (indices, conditions, shapes, bounds). */
  nondiff?: number[];
  /** Input positions whose thunk adds its contribution to the gradient so far (see Thunk). */
  accumulates?: number[];
  /** Absent for ops whose outputs carry no gradient (comparisons, Sign). */
  grad?: GradRule;
}

const attrInt = (n: Node, key: string, fallback = 0): number => (n.attrs[key] as number | undefined) ?? fallback;
// float attributes are float32 in ONNX; round so float64 gradients match the kernel exactly
const attrFloat = (n: Node, key: string, fallback: number): number => Math.fround((n.attrs[key] as { float: number } | undefined)?.float ?? fallback);

/** Memoizes a shared subexpression between the thunks of one rule. */
function once<T>(build: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= build());
}

/** Shape with the reduced axes kept as 1 (the rank of a keepdims reduction). */
function keptShape(x: Value, axes: number[]): number[] {
  return x.sizes.map((d, i) => (axes.includes(i) ? 1 : d));
}

const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

export const RULES: Record<OpType, GradEntry> = {
  // ---- arithmetic ----
  Add: { grad: (g, { inputs: [a, b] }, [dy]) => [() => unbroadcast(g, dy, a.sizes), () => unbroadcast(g, dy, b.sizes)] },
  Sub: { grad: (g, { inputs: [a, b] }, [dy]) => [() => unbroadcast(g, dy, a.sizes), () => unbroadcast(g, g.neg(dy), b.sizes)] },
  // dA = dY·B, dB = dY·A
  Mul: { grad: (g, { inputs: [a, b] }, [dy]) => [() => unbroadcast(g, g.mul(dy, b), a.sizes), () => unbroadcast(g, g.mul(dy, a), b.sizes)] },
  // dA = dY / B, dB = −dY·Y / B
  Div: {
    grad: (g, { inputs: [a, b], outputs: [y] }, [dy]) => [
      () => unbroadcast(g, g.div(dy, b), a.sizes),
      () => unbroadcast(g, g.neg(g.div(g.mul(dy, y), b)), b.sizes),
    ],
  },
  // dA = dY·B·A^(B−1), dB = dY·Y·log A
  Pow: {
    grad: (g, { inputs: [a, b], outputs: [y] }, [dy]) => [
      () => {
        if (b.kind === 'const' && b.size === 1) {
          const p = Number(g.constData(b)[0]);
          return unbroadcast(g, g.mul(dy, g.mul(g.pow(a, p - 1), p)), a.sizes);
        }
        return unbroadcast(g, g.mul(dy, g.mul(b, g.pow(a, g.sub(b, 1)))), a.sizes);
      },
      () => unbroadcast(g, g.mul(dy, g.mul(y, g.log(a))), b.sizes),
    ],
  },
  Neg: { grad: (g, _n, [dy]) => [() => g.neg(dy)] }, // dX = −dY
  Identity: { grad: (_g, _n, [dy]) => [() => dy] },
  // each dXᵢ = dY, unbroadcast
  Sum: { grad: (g, { inputs }, [dy]) => inputs.map((x) => () => unbroadcast(g, dy, x.sizes)) },
  // dA = dY where A > B (ties go to B)
  Max: {
    grad: (g, { inputs: [a, b] }, [dy]) => {
      const aWins = once(() => g.greater(a, b));
      return [() => unbroadcast(g, g.where(aWins(), dy, 0), a.sizes), () => unbroadcast(g, g.where(aWins(), 0, dy), b.sizes)];
    },
  },
  Min: {
    grad: (g, { inputs: [a, b] }, [dy]) => {
      const aWins = once(() => g.less(a, b));
      return [() => unbroadcast(g, g.where(aWins(), dy, 0), a.sizes), () => unbroadcast(g, g.where(aWins(), 0, dy), b.sizes)];
    },
  },
  // dX = dY inside [lo, hi], else 0
  Clip: {
    nondiff: [1, 2],
    grad: (g, { inputs: [x, lo, hi] }, [dy]) => [
      () => {
        let d = dy;
        if (lo) d = g.where(g.less(x, lo), 0, d);
        if (hi) d = g.where(g.greater(x, hi), 0, d);
        return d;
      },
    ],
  },
  // dA = dY where C, dB = dY where ¬C
  Where: {
    nondiff: [0],
    grad: (g, { inputs: [c, a, b] }, [dy]) => [undefined, () => unbroadcast(g, g.where(c, dy, 0), a.sizes), () => unbroadcast(g, g.where(c, 0, dy), b.sizes)],
  },
  Cast: { grad: (g, { inputs: [x] }, [dy]) => [() => g.cast(dy, x.dtype)] },
  Less: { nondiff: [0, 1] },
  Greater: { nondiff: [0, 1] },
  Equal: { nondiff: [0, 1] },
  Sign: { nondiff: [0] }, // zero almost everywhere

  // ---- unary math ----
  Sqrt: { grad: (g, { outputs: [y] }, [dy]) => [() => g.div(g.mul(dy, 0.5), y)] }, // dX = dY / (2Y)
  Exp: { grad: (g, { outputs: [y] }, [dy]) => [() => g.mul(dy, y)] }, // dX = dY·Y
  Log: { grad: (g, { inputs: [x] }, [dy]) => [() => g.div(dy, x)] }, // dX = dY / X
  Tanh: { grad: (g, { outputs: [y] }, [dy]) => [() => g.mul(dy, g.sub(1, g.mul(y, y)))] }, // dX = dY·(1 − Y²)
  Sigmoid: { grad: (g, { outputs: [y] }, [dy]) => [() => g.mul(dy, g.mul(y, g.sub(1, y)))] }, // dX = dY·Y·(1 − Y)
  Abs: { grad: (g, { inputs: [x] }, [dy]) => [() => g.mul(dy, g.sign(x))] }, // dX = dY·sign(X)
  Relu: { grad: (g, { inputs: [x] }, [dy]) => [() => g.where(g.greater(x, 0), dy, 0)] }, // dX = dY·[X > 0]
  Gelu: { grad: (g, n, dy, ctx) => geluGrad(g, n, dy, ctx) }, // tanh form, on row blocks: geluGrad below

  // ---- linear algebra ----
  // dA = dY·Bᵀ, dB = Aᵀ·dY (a 2-D B is a weight: both become one Gemm on flattened rows)
  MatMul: {
    grad: (g, { inputs: [a, b] }, [dy]) => {
      const [k, n] = b.sizes.slice(-2);
      if (b.rank === 2) {
        const dyRows = once(() => g.reshape(dy, [-1, n])); // (N, n)
        return [
          () => g.reshape(g.gemm(dyRows(), b, undefined, { transB: true }), a.sizes),
          () => gemmProduct(g, g.reshape(a, [-1, k]), dyRows(), { transA: true }),
        ];
      }
      return [() => unbroadcast(g, g.fusedMatMul(dy, b, { transB: true }), a.sizes), () => unbroadcast(g, g.fusedMatMul(a, dy, { transA: true }), b.sizes)];
    },
  },
  // Y = α·op(A)·op(B) (batched):  d op(A) = α·dY·op(B)ᵀ,  d op(B) = α·op(A)ᵀ·dY, each one FusedMatMul again
  FusedMatMul: {
    grad: (g, n, [dy]) => {
      const [a, b] = n.inputs;
      const tA = attrInt(n, 'transA') === 1;
      const tB = attrInt(n, 'transB') === 1;
      const alpha = attrFloat(n, 'alpha', 1);
      return [
        () => unbroadcast(g, tA ? g.fusedMatMul(b, dy, { transA: tB, transB: true, alpha }) : g.fusedMatMul(dy, b, { transB: !tB, alpha }), a.sizes),
        () => unbroadcast(g, tB ? g.fusedMatMul(dy, a, { transA: true, transB: tA, alpha }) : g.fusedMatMul(a, dy, { transA: !tA, alpha }), b.sizes),
      ];
    },
  },
  // Y = α·op(A)·op(B) + β·C:  d op(A) = α·dY·op(B)ᵀ,  d op(B) = α·op(A)ᵀ·dY,  dC = β·dY
  // (a product with a large transposed left operand is taken the other way round: gemmProduct).
  // A dY = diag(r)·Z much wider than op(A) (the lm head's) leaves r to the narrow side: d op(A) = diag(r)·α·Z·op(B)ᵀ,
  // d op(B) = α·(diag(r)·op(A))ᵀ·Z, and no pass scales Z (row-scale.ts)
  Gemm: {
    grad: (g, n, [dy]) => {
      const [a, b, c] = n.inputs;
      const tA = attrInt(n, 'transA') === 1;
      const tB = attrInt(n, 'transB') === 1;
      const alpha = attrFloat(n, 'alpha', 1);
      const beta = attrFloat(n, 'beta', 1);
      const rs = !c && dy.size >= 2 * a.size ? rowScaled(g, dy) : undefined;
      const z = rs?.z ?? dy;
      const rows = (x: Value) => (rs ? g.mul(x, rs.r) : x); // diag(r)·X, X (N, ·)
      const rRow = once(() => g.reshape(rs!.r, [1, -1])); // r as (1, N)
      const cols = (x: Value) => (rs ? g.mul(x, rRow()) : x); // X·diag(r), X (·, N)
      const aScaled = () => (tA ? cols(a) : rows(a)); // op of it is diag(r)·op(A)
      return [
        () => (tA ? cols(gemmProduct(g, b, z, { transA: tB, transB: true, alpha })) : rows(g.gemm(z, b, undefined, { transB: !tB, alpha }))),
        () => (tB ? gemmProduct(g, z, aScaled(), { transA: true, transB: tA, alpha }) : gemmProduct(g, aScaled(), z, { transA: !tA, alpha })),
        () => unbroadcast(g, beta === 1 ? dy : g.mul(dy, beta), c.sizes),
      ];
    },
  },

  // ---- reductions ----
  // dX = expand(dY)
  ReduceSum: {
    nondiff: [1],
    grad: (g, { inputs: [x, axes] }, [dy]) => [() => g.expand(g.reshape(dy, keptShape(x, g.constInts(axes))), x.sizes)],
  },
  // dX = expand(dY) / n
  ReduceMean: {
    nondiff: [1],
    grad: (g, { inputs: [x, axes] }, [dy]) => [
      () => {
        const ax = g.constInts(axes);
        const count = ax.reduce((p, a) => p * x.sizes[a], 1);
        return g.expand(g.reshape(g.mul(dy, 1 / count), keptShape(x, ax)), x.sizes);
      },
    ],
  },
  // dX = 2·X·expand(dY)
  ReduceSumSquare: {
    nondiff: [1],
    grad: (g, { inputs: [x, axes] }, [dy]) => [() => g.mul(x, g.reshape(g.mul(dy, 2), keptShape(x, g.constInts(axes))))],
  },
  // dX = dY·[X = max] / (number of maxima)
  ReduceMax: {
    nondiff: [1],
    grad: (g, { inputs: [x, axes], outputs: [y] }, [dy]) => [
      () => {
        const ax = g.constInts(axes);
        const mask = g.cast(g.equal(x, g.reshape(y, keptShape(x, ax))), x.dtype);
        const share = g.div(g.reshape(dy, keptShape(x, ax)), g.reduceSum(mask, ax, { keepdims: true }));
        return g.mul(mask, share);
      },
    ],
  },
  // dX = Y·(dY − Σ dY·Y); Σ dY·Y over (…, T, T) is Σ dO·O over (…, T, hs) when Y's one reader is O = Y·V (attention)
  Softmax: {
    grad: (g, n, [dy], ctx) => {
      const y = n.outputs[0];
      const axis = attrInt(n, 'axis', -1);
      return [() => g.mul(y, g.sub(dy, productRowDot(g, y, axis, ctx) ?? g.reduceSum(g.mul(dy, y), [axis], { keepdims: true })))];
    },
  },
  // dX = dY − exp(Y)·Σ dY. When Y's one reader picks one entry per row (GatherElements on the axis: the
  // cross-entropy's −log p(target)), dY is that entry's gradient dP and zeros, so dX = onehot·dP − exp(Y)·dP
  // (an Exp, a scatter and a Mul over the (…, V) rows, where dY's zeros, a Sub, a Mul, an Exp and a sum took six)
  LogSoftmax: {
    grad: (g, n, [dy], ctx) => {
      const y = n.outputs[0];
      const axis = attrInt(n, 'axis', -1);
      const pick = pickedRows(y, axis, ctx);
      if (pick) {
        const { idx, dP } = pick;
        const softmaxMinusOnehot = () => g.scatterElements(g.exp(y), idx, g.expand(g.scalar(-1, y.dtype), idx.sizes), pick.axis, 'add'); // softmax − onehot
        return [() => g.mul(softmaxMinusOnehot(), g.neg(dP))]; // a row scaling, which a product reading it takes onto its narrow side (Gemm's rule)
      }
      return [() => g.sub(dy, g.mul(g.exp(y), g.reduceSum(dy, [axis], { keepdims: true })))];
    },
  },
  // x̂ = (X − μ)·r, r = 1/√(σ² + ε):  dX = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dY·W;  dW = Σ dY·x̂;  dB = Σ dY.
  // On row blocks above ROW_BLOCK_ELEMENTS (each block's dW and dB summed after). mean(dx̂·x̂) is not taken as
  // (dY·x̂)·W/C: onnxruntime's matrix-vector product gives bits that depend on the thread count
  LayerNormalization: {
    grad: (g, n, [dy]) => {
      const [x, w, b] = n.inputs;
      const eps = attrFloat(n, 'epsilon', 1e-5);
      const all = once(() => {
        let mean: Value, r: Value;
        if (n.outputs.length === 3) {
          [, mean, r] = n.outputs; // saved by the forward kernel (float32 graphs)
        } else {
          mean = g.reduceMean(x, [-1], { keepdims: true });
          const xc = g.sub(x, mean);
          r = g.div(1, g.sqrt(g.add(g.reduceMean(g.mul(xc, xc), [-1], { keepdims: true }), eps))); // (..., 1)
        }
        const parts = rowBlocks(g, [x, dy, mean, r]).map(([x, dy, mean, r]) => {
          const xhat = g.mul(g.sub(x, mean), r);
          const dyXhat = g.mul(dy, xhat);
          const dxhat = g.mul(dy, w);
          const meanDxhat = g.reduceMean(dxhat, [-1], { keepdims: true }); // (..., 1)
          const meanDxhatXhat = g.reduceMean(g.mul(dxhat, xhat), [-1], { keepdims: true }); // (..., 1)
          const dx = g.mul(r, g.sub(g.sub(dxhat, meanDxhat), g.mul(xhat, meanDxhatXhat)));
          return { dx, dw: unbroadcast(g, dyXhat, w.sizes), db: unbroadcast(g, dy, b.sizes) };
        });
        return {
          dx: g.reshape(
            g.concat(
              parts.map((p) => p.dx),
              0,
            ),
            x.sizes,
          ),
          dw: g.sum(parts.map((p) => p.dw)),
          db: g.sum(parts.map((p) => p.db)),
        };
      });
      return [() => all().dx, () => all().dw, () => all().db];
    },
  },

  // ---- shape ----
  Transpose: { grad: (g, n, [dy]) => [() => g.transpose(dy, inversePerm(n.attrs.perm as number[]))] }, // dX = dYᵀ
  Reshape: { nondiff: [1], grad: (g, { inputs: [x] }, [dy]) => [() => g.reshape(dy, x.sizes)] },
  Squeeze: { nondiff: [1], grad: (g, { inputs: [x] }, [dy]) => [() => g.reshape(dy, x.sizes)] },
  Unsqueeze: { nondiff: [1], grad: (g, { inputs: [x] }, [dy]) => [() => g.reshape(dy, x.sizes)] },
  Expand: { nondiff: [1], grad: (g, { inputs: [x] }, [dy]) => [() => unbroadcast(g, dy, x.sizes)] },
  // dXᵢ = the i-th piece of dY
  Concat: {
    grad: (g, n, [dy]) => {
      const axis = attrInt(n, 'axis');
      const parts = once(() =>
        g.split(
          dy,
          n.inputs.map((x) => x.sizes[axis]),
          axis,
        ),
      );
      return n.inputs.map((_, i) => () => parts()[i]);
    },
  },
  Split: { nondiff: [1], grad: (g, n, dys) => [() => g.concat(dys, attrInt(n, 'axis'))] }, // dX = concat(dYᵢ)
  // dX = dY padded back to X's extent
  Slice: {
    nondiff: [1, 2, 3, 4],
    grad: (g, { inputs: [x, starts, ends, axes] }, [dy]) => [
      () => {
        const before = x.sizes.map(() => 0);
        const after = x.sizes.map(() => 0);
        const [st, en] = [g.constInts(starts), g.constInts(ends)];
        g.constInts(axes).forEach((a, k) => {
          before[a] = st[k];
          after[a] = x.sizes[a] - en[k];
        });
        return g.pad(dy, before, after);
      },
    ],
  },
  // dX = the unpadded window of dY
  Pad: {
    nondiff: [1, 2, 3],
    grad: (g, { inputs: [x, pads] }, [dy]) => [
      () => {
        const p = g.constInts(pads);
        const axes = x.sizes.map((_, i) => i);
        return g.slice(
          dy,
          p.slice(0, x.rank),
          x.sizes.map((d, i) => p[i] + d),
          axes,
        );
      },
    ],
  },
  Trilu: { nondiff: [1], grad: (g, n, [dy]) => [() => g.trilu(dy, attrInt(n, 'upper') === 1, g.constInts(n.inputs[1])[0])] },
  // dX = reverse cumulative sum of dY
  CumSum: {
    nondiff: [1],
    grad: (g, n, [dy]) => [() => g.cumsum(dy, g.constInts(n.inputs[1])[0], { exclusive: attrInt(n, 'exclusive') === 1, reverse: attrInt(n, 'reverse') !== 1 })],
  },

  // ---- indexing: gathers scatter-add their gradient back; scatters gather it ----
  // Every accumulation goes through scatterAddRows (ScatterElements add, which onnxruntime's CPU
  // kernel runs serially): ScatterND add splits its updates across threads without atomics and
  // loses updates to repeated indices, so no rule emits it (ml/README.md, "Determinism").
  // dData[idx] += dY (repeated indices accumulate); on axis 0 added straight into the gradient so
  // far (a tied embedding's lm-head product), with no zeros and no extra sum
  Gather: {
    nondiff: [1],
    accumulates: [0],
    grad: (g, n, [dy]) => {
      const [data, idx] = n.inputs;
      const axis = attrInt(n, 'axis');
      return [
        (sofar) => {
          // gathered axis first: data (A, rest...) and dY (idx..., rest...), rest flattened to W
          const perm = [axis, ...data.sizes.map((_, i) => i).filter((i) => i !== axis)];
          const dyPerm = [...range(axis, axis + idx.rank), ...range(0, axis), ...range(axis + idx.rank, dy.rank)];
          const front = perm.map((i) => data.sizes[i]); // (A, rest...)
          const rows = g.reshape(g.transpose(dy, dyPerm), [idx.size, -1]); // (N, W)
          const base = axis === 0 && sofar ? g.reshape(sofar, [data.sizes[0], -1]) : undefined; // (A, W)
          const summed = g.reshape(scatterAddRows(g, data.sizes[axis], g.reshape(idx, [idx.size]), rows, base), front); // (A, rest...)
          const d = g.transpose(summed, inversePerm(perm));
          return sofar && !base ? g.add(sofar, d) : d;
        },
      ];
    },
  },
  GatherElements: {
    nondiff: [1],
    grad: (g, n, [dy]) => {
      const [data, idx] = n.inputs;
      return [() => g.scatterElements(g.zeros(data.sizes, data.dtype), idx, dy, attrInt(n, 'axis'), 'add')];
    },
  },
  // dData[idx tuple] += dY: the tuples as row numbers of data viewed as (d₀·…·dₖ₋₁, rest)
  GatherND: {
    nondiff: [1],
    grad: (g, { inputs: [data, idx] }, [dy]) => [
      () => {
        const k = idx.sizes[idx.rank - 1];
        const lead = data.sizes.slice(0, k);
        const strides = lead.map((_, j) => lead.slice(j + 1).reduce((p, d) => p * d, 1));
        const wrapped = fromEnd(g, idx, g.constant(lead, [k], 'int64'));
        const part = (j: number) => g.mul(g.gather(wrapped, g.constant([j], [], 'int64'), idx.rank - 1), g.constant([strides[j]], [], 'int64'));
        const row = range(1, k).reduce((acc, j) => g.add(acc, part(j)), part(0)); // (idx...): Σⱼ idx[…, j]·strideⱼ
        const rows = g.reshape(dy, [row.size, -1]); // (N, W)
        const nRows = lead.reduce((p, d) => p * d, 1);
        return g.reshape(scatterAddRows(g, nRows, g.reshape(row, [row.size]), rows), data.sizes);
      },
    ],
  },
  // add: dData = dY, dUpd = dY[idx];  none: overwritten positions get no gradient
  ScatterElements: {
    nondiff: [1],
    grad: (g, n, [dy]) => {
      const [, idx, upd] = n.inputs;
      const axis = attrInt(n, 'axis');
      const add = n.attrs.reduction === 'add';
      return [() => (add ? dy : g.scatterElements(dy, idx, g.zeros(upd.sizes, upd.dtype), axis, 'none')), undefined, () => g.gatherElements(dy, idx, axis)];
    },
  },
  ScatterND: {
    nondiff: [1],
    grad: (g, n, [dy]) => {
      const [, idx, upd] = n.inputs;
      const add = n.attrs.reduction === 'add';
      return [() => (add ? dy : g.scatterND(dy, idx, g.zeros(upd.sizes, upd.dtype), 'none')), undefined, () => g.gatherND(dy, idx)];
    },
  },
};

/**
 * Gelu's gradient. Y = X·s, s = σ(2u), u = k(X + cX³):  dX = dY·(s + (Y − Y·s)·2k(1 + 3cX²))
 * (float64 recomputes Y as X·s: onnxruntime's Gelu output is accurate to ~1e-8 only; float32 reuses it).
 * Twelve elementwise passes, run on row blocks that stay in cache (rowBlocks).
 */
const geluGrad: GradRule = (g, { inputs: [x], outputs: [y] }, [dy]) => [
  () => {
    const blocks = rowBlocks(g, [x, y, dy]).map(([x, y, dy]) => {
      const x2 = g.mul(x, x);
      const s = g.sigmoid(g.mul(x, g.add(g.mul(x2, 2 * GELU_K * GELU_C), 2 * GELU_K)));
      const xs = x.dtype === 'float32' ? y : g.mul(x, s);
      const du = g.add(g.mul(x2, 6 * GELU_K * GELU_C), 2 * GELU_K);
      return g.mul(dy, g.add(s, g.mul(g.sub(xs, g.mul(xs, s)), du)));
    });
    return g.reshape(g.concat(blocks, 0), x.sizes);
  },
];

/**
 * Elements in one row block of a chained elementwise gradient (4 MiB of float32): see rowBlocks.
 * @public tests build a tensor above it.
 */
export const ROW_BLOCK_ELEMENTS = 1 << 20;

/**
 * Tensors with the same rows (all axes but the last) cut into blocks of rows, each (rows, cols)
 * with its own cols; a chain of elementwise ops run per block, the results concatenated, writes
 * and reads each block's intermediates while they are in cache, where a chain over the whole
 * tensor sends every pass through memory (GPT-2's (N, 4C) GELU gradient: 12.6 MB a pass).
 * onnxruntime runs one block's chain before the next (its default order is depth-first from the
 * outputs). Up to ROW_BLOCK_ELEMENTS in the first tensor, one block: the tensors as they are.
 */
function rowBlocks(g: Graph, xs: Value[]): Value[][] {
  const x = xs[0];
  const cols = x.rank === 0 ? 1 : x.sizes[x.rank - 1];
  const rows = x.size / cols;
  const blocks = Math.min(rows, Math.ceil(x.size / ROW_BLOCK_ELEMENTS));
  if (blocks <= 1) return [xs];
  const per = Math.ceil(rows / blocks);
  const flat = xs.map((v) => g.reshape(v, [rows, -1]));
  const out: Value[][] = [];
  for (let r0 = 0; r0 < rows; r0 += per) out.push(flat.map((v) => g.slice(v, [r0], [Math.min(rows, r0 + per)], [0])));
  return out;
}

/** Y's one reader as GatherElements taking one entry per row along `axis`: its indices and its output's gradient. */
function pickedRows(y: Value, axis: number, ctx: GradContext): { idx: Value; dP: Value; axis: number } | undefined {
  const readers = ctx.readers(y);
  if (readers.length !== 1) return undefined;
  const [r] = readers;
  const a = axis < 0 ? axis + y.rank : axis;
  if (r.opType !== 'GatherElements' || r.inputs[0] !== y || attrInt(r, 'axis') !== a) return undefined;
  const idx = r.inputs[1]!;
  if (idx.shape.some((d, i) => (i === a ? d !== 1 : d !== y.shape[i]))) return undefined; // one entry of every row
  const dP = ctx.gradOf(r.outputs[0]);
  return dP && { idx, dP, axis: a };
}

/**
 * Σⱼ dYᵢⱼ·Yᵢⱼ over the last axis of Y (…, T, S) when Y's only reader is the product O = α·Y·op(V)
 * (attention: the probabilities times the values), from O's gradient: dY = α·dO·op(V)ᵀ, so
 * Σⱼ dYᵢⱼ·Yᵢⱼ = Σₖ dOᵢₖ·Oᵢₖ, over (…, T, hs) instead of (…, T, S). Undefined when the pattern
 * does not hold (another reader, Y as the right operand or transposed, batch axes broadcast).
 */
function productRowDot(g: Graph, y: Value, axis: number, ctx: GradContext): Value | undefined {
  if (axis !== y.rank - 1 || y.rank < 2) return undefined;
  const readers = ctx.readers(y);
  if (readers.length !== 1) return undefined;
  const [m] = readers;
  const fused = m.opType === 'FusedMatMul';
  if ((m.opType !== 'MatMul' && !fused) || m.inputs[0] !== y || m.inputs[1] === y) return undefined;
  if (fused && attrInt(m, 'transA') === 1) return undefined;
  const o = m.outputs[0];
  if (o.rank !== y.rank || o.shape.slice(0, -1).some((d, i) => d !== y.shape[i])) return undefined; // Y's batch axes not broadcast
  const dO = ctx.gradOf(o);
  if (!dO) return undefined;
  return g.reduceSum(g.mul(dO, o), [-1], { keepdims: true }); // (…, T, 1)
}

/**
 * Up to this many rows, scatterAddRows sums by a one-hot product. ScatterElements add runs in one
 * thread at ~45 ns an element (bench:ml's token embedding, 1,024 rows of 256 into 512: 12.3 ms of a
 * 330 ms step); the product is 2·rows·N·W flops on every thread, so it wins while rows stay small
 * (below ~1,700 on one core of this machine). The one-hot matrix is capped at 16M elements (64 MB).
 */
const ONE_HOT_MAX_ROWS = 1024;
const ONE_HOT_MAX_ELEMENTS = 1 << 24;

/**
 * out[idx[n]] += upd[n] for rows of width W: (nRows, W) from idx int64 (N) and upd (N, W), into
 * `base` (nRows, W) when given, else into zeros. Both ways are exact in the sense that matters and
 * give the same bits at any thread count (tests/ml/determinism.test.ts):
 * - few rows: onehot(idx)ᵀ · upd (+ base), one Gemm (onnxruntime splits a Gemm's rows and columns
 *   across threads, never its inner sum);
 * - many rows (a vocabulary): ScatterElements add, which the CPU kernel runs in one thread in index order.
 */
function scatterAddRows(g: Graph, nRows: number, idx: Value, upd: Value, base?: Value): Value {
  const [N, W] = upd.sizes;
  if (nRows <= ONE_HOT_MAX_ROWS && N * nRows <= ONE_HOT_MAX_ELEMENTS) {
    const rows = g.constant(range(0, nRows), [1, nRows], 'int64');
    const oneHot = g.cast(g.equal(g.reshape(fromEnd(g, idx, g.constant([nRows], [1], 'int64')), [N, 1]), rows), upd.dtype); // (N, nRows)
    return g.gemm(oneHot, upd, base, { transA: true }); // (nRows, W)
  }
  const at = g.expand(g.reshape(idx, [N, 1]), [N, W]); // (N, W): row idx[n] for every column
  return g.scatterElements(base ?? g.zeros([nRows, W], upd.dtype), at, upd, 0, 'add');
}

/** Indices as positions: a negative index counts from the end of its axis of length `sizes` (which broadcasts against idx). */
function fromEnd(g: Graph, idx: Value, sizes: Value): Value {
  return g.where(g.less(idx, g.constant([0], [1], 'int64')), g.add(idx, sizes), idx);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
