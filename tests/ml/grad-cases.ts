// Finite-difference cases: at least one per gradient rule, with broadcast shapes and
// repeated indices where the rule has them. Inputs are float64 unless marked.

import { ONNX_DTYPE } from '../../ml/onnx/dtypes';
import type { GradCase, TensorSpec } from './helpers';

const f = (...shape: number[]): TensorSpec => ({ shape });
const pos = (...shape: number[]): TensorSpec => ({ shape, positive: true, min: 0.3, max: 2 });
const wide = (...shape: number[]): TensorSpec => ({ shape, min: 0, max: 2 });
const i64 = (shape: number[], data: number[]): TensorSpec => ({ shape, dtype: 'int64', data });

export const GRAD_CASES: GradCase[] = [
  // arithmetic, with broadcasting
  { rule: 'Add', name: '[2,3] + [3]', inputs: { a: f(2, 3), b: f(3) }, build: (g, { a, b }) => g.add(a, b) },
  { rule: 'Add', name: '[3,2,8] + [8] (leading axes: summed as 1ᵀ·dY)', inputs: { a: f(3, 2, 8), b: f(8) }, build: (g, { a, b }) => g.add(a, b) },
  { rule: 'Add', name: '[2,1,3] + [4,1]', inputs: { a: f(2, 1, 3), b: f(4, 1) }, build: (g, { a, b }) => g.add(a, b) },
  { rule: 'Sub', name: '[2,3] − [2,1]', inputs: { a: f(2, 3), b: f(2, 1) }, build: (g, { a, b }) => g.sub(a, b) },
  { rule: 'Mul', name: '[2,3] · [1,3]', inputs: { a: f(2, 3), b: f(1, 3) }, build: (g, { a, b }) => g.mul(a, b) },
  { rule: 'Mul', name: 'x · x (value used twice)', inputs: { a: f(2, 3) }, build: (g, { a }) => g.mul(a, a) },
  { rule: 'Div', name: '[2,3] / [3]', inputs: { a: f(2, 3), b: pos(3) }, build: (g, { a, b }) => g.div(a, b) },
  { rule: 'Pow', name: 'x^3', inputs: { a: f(2, 3) }, build: (g, { a }) => g.pow(a, 3) },
  { rule: 'Pow', name: 'a^b, b [3]', inputs: { a: pos(2, 3), b: f(3) }, build: (g, { a, b }) => g.pow(a, b) },
  { rule: 'Neg', name: '[2,3]', inputs: { a: f(2, 3) }, build: (g, { a }) => g.neg(a) },
  { rule: 'Identity', name: '[2,3]', inputs: { a: f(2, 3) }, build: (g, { a }) => g.identity(a) },
  { rule: 'Sum', name: '[2,3] + [3] + [2,1]', inputs: { a: f(2, 3), b: f(3), c: f(2, 1) }, build: (g, { a, b, c }) => g.sum([a, b, c]) },
  { rule: 'Max', name: '[2,3] vs [3]', inputs: { a: f(2, 3), b: f(3) }, build: (g, { a, b }) => g.max(a, b) },
  { rule: 'Min', name: '[2,3] vs [2,1]', inputs: { a: f(2, 3), b: f(2, 1) }, build: (g, { a, b }) => g.min(a, b) },
  { rule: 'Clip', name: 'clip(x, −0.8, 0.8)', inputs: { a: f(3, 4) }, build: (g, { a }) => g.clip(a, -0.8, 0.8) },
  {
    rule: 'Where',
    name: 'cond [2,3], a [2,3], b [3]',
    inputs: { c: { shape: [2, 3], dtype: 'bool', data: [1, 0, 1, 0, 0, 1] }, a: f(2, 3), b: f(3) },
    build: (g, { c, a, b }) => g.where(c, a, b),
  },
  {
    rule: 'Cast',
    name: 'to its own float type (g.cast would skip it)',
    inputs: { a: f(2, 3) },
    build: (g, { a }) => g.op1('Cast', [a], { dtype: a.dtype, shape: a.shape }, { to: ONNX_DTYPE[a.dtype] }),
  },

  // unary math
  { rule: 'Sqrt', name: '[2,3]', inputs: { a: pos(2, 3) }, build: (g, { a }) => g.sqrt(a) },
  { rule: 'Exp', name: '[2,3]', inputs: { a: f(2, 3) }, build: (g, { a }) => g.exp(a) },
  { rule: 'Log', name: '[2,3]', inputs: { a: pos(2, 3) }, build: (g, { a }) => g.log(a) },
  { rule: 'Tanh', name: '[2,3]', inputs: { a: wide(2, 3) }, build: (g, { a }) => g.tanh(a) },
  { rule: 'Sigmoid', name: '[2,3]', inputs: { a: wide(2, 3) }, build: (g, { a }) => g.sigmoid(a) },
  { rule: 'Abs', name: '[2,3]', inputs: { a: f(2, 3) }, build: (g, { a }) => g.abs(a) },
  { rule: 'Relu', name: '[2,3]', inputs: { a: f(2, 3) }, build: (g, { a }) => g.relu(a) },
  {
    rule: 'Gelu',
    name: 'tanh form, [3,4]',
    inputs: { a: { shape: [3, 4], min: 0, max: 3 } },
    build: (g, { a }) => g.gelu(a),
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    reference: (g, { a }) => g.mul(g.mul(a, 0.5), g.add(1, g.tanh(g.mul(g.add(a, g.mul(g.pow(a, 3), 0.044715)), Math.sqrt(2 / Math.PI))))),
  },

  // linear algebra
  { rule: 'MatMul', name: '[2,3]·[3,4]', inputs: { a: f(2, 3), b: f(3, 4) }, build: (g, { a, b }) => g.matmul(a, b) },
  { rule: 'MatMul', name: '[2,2,3]·[3,4] (2-D weight)', inputs: { a: f(2, 2, 3), b: f(3, 4) }, build: (g, { a, b }) => g.matmul(a, b) },
  { rule: 'MatMul', name: '[2,2,3]·[2,3,4] (batched)', inputs: { a: f(2, 2, 3), b: f(2, 3, 4) }, build: (g, { a, b }) => g.matmul(a, b) },
  { rule: 'MatMul', name: '[1,2,3]·[2,3,4] (batch broadcast)', inputs: { a: f(1, 2, 3), b: f(2, 3, 4) }, build: (g, { a, b }) => g.matmul(a, b) },
  { rule: 'Gemm', name: 'A·B + C[4]', inputs: { a: f(2, 3), b: f(3, 4), c: f(4) }, build: (g, { a, b, c }) => g.gemm(a, b, c) },
  {
    rule: 'Gemm',
    name: 'α·Aᵀ·B + β·C[2,1]',
    inputs: { a: f(3, 2), b: f(3, 4), c: f(2, 1) },
    build: (g, { a, b, c }) => g.gemm(a, b, c, { transA: true, alpha: 0.7, beta: 1.3 }),
  },
  { rule: 'Gemm', name: 'α·A·Bᵀ', inputs: { a: f(2, 3), b: f(4, 3) }, build: (g, { a, b }) => g.gemm(a, b, undefined, { transB: true, alpha: 0.7 }) },
  {
    rule: 'Gemm',
    name: 'Aᵀ·Bᵀ + C[2,4]',
    inputs: { a: f(3, 2), b: f(4, 3), c: f(2, 4) },
    build: (g, { a, b, c }) => g.gemm(a, b, c, { transA: true, transB: true, beta: 0.5 }),
  },
  // a row-scaled dY wider than A (the lm head under the cross-entropy): the scale goes onto A's side (row-scale.ts)
  ...(
    [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const
  ).map(([transA, transB]): GradCase => ({
    rule: 'Gemm',
    name: `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'} (4 × 6) under a picked log softmax: dY = diag(r)·Z`,
    inputs: { a: transA ? f(2, 4) : f(4, 2), b: transB ? f(6, 2) : f(2, 6), t: i64([4, 1], [5, 0, 5, 2]) },
    build: (g, { a, b, t }) => g.gatherElements(g.logSoftmax(g.gemm(a, b, undefined, { transA, transB, alpha: 0.8 }), -1), t, -1),
  })),
  {
    rule: 'Gemm',
    name: 'A·Bᵀ reshaped, divided by a temperature, under a picked log softmax (PPO: 1/T folded into the row scale)',
    inputs: { a: f(4, 2), b: f(6, 2), t: i64([2, 2, 1], [5, 0, 5, 2]) },
    build: (g, { a, b, t }) => g.gatherElements(g.logSoftmax(g.mul(g.reshape(g.gemm(a, b, undefined, { transB: true }), [2, 2, 6]), 1 / 0.7), -1), t, -1),
  },
  {
    rule: 'Gemm',
    name: 'A·Bᵀ reshaped to (2, 2, 6) under a picked log softmax (the lm head: the scale seen through the reshape)',
    inputs: { a: f(4, 2), b: f(6, 2), t: i64([2, 2, 1], [5, 0, 5, 2]) },
    build: (g, { a, b, t }) => g.gatherElements(g.logSoftmax(g.reshape(g.gemm(a, b, undefined, { transB: true }), [2, 2, 6]), -1), t, -1),
  },

  // com.microsoft FusedMatMul (float32 only; the float64 graph writes it from primitives)
  {
    rule: 'FusedMatMul',
    name: 'α·A·Bᵀ, [2,3,4]·[2,5,4]',
    only: 'float32',
    inputs: { a: f(2, 3, 4), b: f(2, 5, 4) },
    build: (g, { a, b }) => g.fusedMatMul(a, b, { transB: true, alpha: 0.7 }),
  },
  {
    rule: 'FusedMatMul',
    name: 'Aᵀ·B, [3,4]ᵀ·[2,3,5] (A broadcast over the batch)',
    only: 'float32',
    inputs: { a: f(3, 4), b: f(2, 3, 5) },
    build: (g, { a, b }) => g.fusedMatMul(a, b, { transA: true }),
  },
  {
    rule: 'FusedMatMul',
    name: 'α·Aᵀ·Bᵀ, [2,1,4,3]ᵀ·[1,2,5,4]ᵀ (both broadcast)',
    only: 'float32',
    inputs: { a: f(2, 1, 4, 3), b: f(1, 2, 5, 4) },
    build: (g, { a, b }) => g.fusedMatMul(a, b, { transA: true, transB: true, alpha: 1.3 }),
  },

  // reductions and normalizations
  { rule: 'ReduceSum', name: 'axis 1 of [2,3,4]', inputs: { a: f(2, 3, 4) }, build: (g, { a }) => g.reduceSum(a, [1]) },
  { rule: 'ReduceSum', name: 'all axes', inputs: { a: f(2, 3) }, build: (g, { a }) => g.reduceSum(a) },
  { rule: 'ReduceMean', name: 'axes [0,2] keepdims', inputs: { a: f(2, 3, 4) }, build: (g, { a }) => g.reduceMean(a, [0, 2], { keepdims: true }) },
  { rule: 'ReduceMax', name: 'axis −1', inputs: { a: f(3, 4) }, build: (g, { a }) => g.reduceMax(a, [-1]) },
  { rule: 'ReduceSumSquare', name: 'axis 0', inputs: { a: f(3, 4) }, build: (g, { a }) => g.reduceSumSquare(a, [0]) },
  { rule: 'Softmax', name: 'axis −1 of [2,3,4]', inputs: { a: wide(2, 3, 4) }, build: (g, { a }) => g.softmax(a, -1) },
  { rule: 'Softmax', name: 'axis 1 of [2,3,4]', inputs: { a: wide(2, 3, 4) }, build: (g, { a }) => g.softmax(a, 1) },
  {
    rule: 'Softmax',
    name: 'axis −1, its one reader a product (attention: Σ dY·Y taken from the product)',
    inputs: { a: wide(2, 3, 4), v: f(2, 4, 5) },
    build: (g, { a, v }) => g.matmul(g.softmax(a, -1), v),
  },
  {
    rule: 'Softmax',
    name: 'axis −1 read by α·Y·Vᵀ (FusedMatMul)',
    only: 'float32',
    inputs: { a: wide(2, 3, 4), v: f(2, 5, 4) },
    build: (g, { a, v }) => g.fusedMatMul(g.softmax(a, -1), v, { transB: true, alpha: 0.6 }),
  },
  {
    rule: 'Softmax',
    name: 'axis −1 read by a product and by itself (no shortcut)',
    inputs: { a: wide(2, 3, 4), v: f(2, 4, 5) },
    build: (g, { a, v }) => {
      const p = g.softmax(a, -1);
      return g.add(g.matmul(p, v), g.reduceSum(g.mul(p, p), [-1], { keepdims: true }));
    },
  },
  { rule: 'LogSoftmax', name: 'axis −1 of [2,3,5]', inputs: { a: wide(2, 3, 5) }, build: (g, { a }) => g.logSoftmax(a, -1) },
  {
    rule: 'LogSoftmax',
    name: 'one entry of each row picked (the cross-entropy shortcut), a repeated target',
    inputs: { a: wide(4, 5), t: i64([4], [1, 4, 1, 0]) },
    build: (g, { a, t }) => g.squeeze(g.gatherElements(g.logSoftmax(a, -1), g.unsqueeze(t, [-1]), -1), [-1]),
  },
  {
    rule: 'LogSoftmax',
    name: 'axis 1 of [2,3,4], one entry per column picked',
    inputs: { a: wide(2, 3, 4), t: i64([2, 1, 4], [0, 2, 2, 1, 1, 0, 2, 2]) },
    build: (g, { a, t }) => g.gatherElements(g.logSoftmax(a, 1), t, 1),
  },
  {
    rule: 'LogSoftmax',
    name: 'picked and read again (no shortcut)',
    inputs: { a: wide(4, 5), t: i64([4, 1], [1, 4, 1, 0]) },
    build: (g, { a, t }) => {
      const y = g.logSoftmax(a, -1);
      return g.add(g.gatherElements(y, t, -1), g.reduceSum(g.mul(y, y), [-1], { keepdims: true }));
    },
  },
  {
    rule: 'LayerNormalization',
    name: 'fused, [2,3,5]',
    inputs: { x: wide(2, 3, 5), w: f(5), b: f(5) },
    build: (g, { x, w, b }) => g.layerNorm(x, w, b),
  },

  // shape
  { rule: 'Transpose', name: 'perm [2,0,1]', inputs: { a: f(2, 3, 4) }, build: (g, { a }) => g.transpose(a, [2, 0, 1]) },
  { rule: 'Reshape', name: '[2,3,4] → [6,4]', inputs: { a: f(2, 3, 4) }, build: (g, { a }) => g.reshape(a, [6, -1]) },
  { rule: 'Squeeze', name: '[2,1,3] → [2,3]', inputs: { a: f(2, 1, 3) }, build: (g, { a }) => g.squeeze(a, [1]) },
  { rule: 'Unsqueeze', name: '[2,3] → [2,1,3,1]', inputs: { a: f(2, 3) }, build: (g, { a }) => g.unsqueeze(a, [1, 3]) },
  { rule: 'Expand', name: '[3,1] → [2,3,4]', inputs: { a: f(3, 1) }, build: (g, { a }) => g.expand(a, [2, 3, 4]) },
  { rule: 'Concat', name: 'three inputs, axis 1', inputs: { a: f(2, 1), b: f(2, 3), c: f(2, 2) }, build: (g, { a, b, c }) => g.concat([a, b, c], 1) },
  {
    rule: 'Split',
    name: 'sizes [1,2,1] on axis 1, middle piece unused',
    inputs: { a: f(2, 4) },
    build: (g, { a }) => {
      const [p, , r] = g.split(a, [1, 2, 1], 1);
      return g.mul(p, r);
    },
  },
  { rule: 'Slice', name: 'x[:, 1:3, 2:]', inputs: { a: f(2, 4, 3) }, build: (g, { a }) => g.slice(a, [1, 2], [3, 3], [1, 2]) },
  { rule: 'Pad', name: 'pad [0,1]/[2,0]', inputs: { a: f(2, 3) }, build: (g, { a }) => g.pad(a, [0, 1], [2, 0]) },
  { rule: 'Trilu', name: 'lower triangle of [2,3,3]', inputs: { a: f(2, 3, 3) }, build: (g, { a }) => g.trilu(a, false) },
  { rule: 'Trilu', name: 'upper, k = 1', inputs: { a: f(3, 4) }, build: (g, { a }) => g.trilu(a, true, 1) },
  { rule: 'CumSum', name: 'axis 1', inputs: { a: f(2, 4) }, build: (g, { a }) => g.cumsum(a, 1) },
  { rule: 'CumSum', name: 'exclusive reverse, axis 0', inputs: { a: f(3, 2) }, build: (g, { a }) => g.cumsum(a, 0, { exclusive: true, reverse: true }) },

  // indexing, with repeated indices
  {
    rule: 'Gather',
    name: 'axis 0, repeated indices (embedding)',
    inputs: { e: f(3, 4), i: i64([2, 3], [0, 2, 2, 1, 2, 0]) },
    build: (g, { e, i }) => g.gather(e, i, 0),
  },
  {
    rule: 'Gather',
    name: 'axis 1, repeated indices',
    inputs: { e: f(2, 3, 2), i: i64([4], [1, 1, 2, 1]) },
    build: (g, { e, i }) => g.gather(e, i, 1),
  },
  {
    rule: 'Gather',
    name: 'axis 0, the table also a tied head (scattered into its other gradient)',
    inputs: { e: f(3, 4), i: i64([2, 3], [0, 2, 2, 1, 2, 0]) },
    build: (g, { e, i }) => g.matmul(g.gather(e, i, 0), g.transpose(e)), // (2, 3, 3)
  },
  {
    rule: 'Gather',
    name: 'axis 1, the table also used directly (added to its other gradient)',
    inputs: { e: f(2, 3, 2), i: i64([4], [1, 1, 2, 1]) },
    build: (g, { e, i }) => g.concat([g.gather(e, i, 1), e], 1), // (2, 7, 2)
  },
  {
    rule: 'GatherElements',
    name: 'axis 1, repeated indices',
    inputs: { d: f(2, 4), i: i64([2, 3], [3, 3, 0, 1, 1, 1]) },
    build: (g, { d, i }) => g.gatherElements(d, i, 1),
  },
  {
    rule: 'GatherND',
    name: 'pairs, repeated',
    inputs: { d: f(3, 2, 2), i: i64([3, 2], [0, 1, 0, 1, 2, 0]) },
    build: (g, { d, i }) => g.gatherND(d, i),
  },
  {
    rule: 'ScatterElements',
    name: 'add, repeated indices, axis 0',
    inputs: { d: f(3, 4), i: i64([2, 4], [0, 1, 2, 0, 0, 1, 2, 0]), u: f(2, 4) },
    build: (g, { d, i, u }) => g.scatterElements(d, i, u, 0, 'add'),
  },
  {
    rule: 'ScatterElements',
    name: 'overwrite, unique indices, axis 1',
    inputs: { d: f(2, 4), i: i64([2, 2], [3, 0, 1, 2]), u: f(2, 2) },
    build: (g, { d, i, u }) => g.scatterElements(d, i, u, 1, 'none'),
  },
  {
    rule: 'ScatterND',
    name: 'add, repeated rows',
    inputs: { d: f(4, 3), i: i64([3, 1], [1, 1, 3]), u: f(3, 3) },
    build: (g, { d, i, u }) => g.scatterND(d, i, u, 'add'),
  },
  {
    rule: 'ScatterND',
    name: 'overwrite, unique elements',
    inputs: { d: f(3, 3), i: i64([2, 2], [0, 2, 2, 1]), u: f(2) },
    build: (g, { d, i, u }) => g.scatterND(d, i, u, 'none'),
  },
];
