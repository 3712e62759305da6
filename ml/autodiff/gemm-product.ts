// The gradient products of Gemm and MatMul, laid out for onnxruntime's CPU GEMM (MLAS).
//
// MLAS reads a transposed left operand by copying it, transposed, into a small panel once per
// 128 output columns. When that operand is larger than the cache, every copy comes from memory:
// GPT-2's lm head gradient dW = dYᵀ·X, dY (1,024 × 50,257 logits, 206 MB) and 768 columns, copies
// dY six times and took 400–440 ms where (Xᵀ·dY)ᵀ took 300–320 (2026-12-05, 2 threads, this
// machine; PyTorch's OpenBLAS 225–236 ms). So a product whose transposed left operand is large
// and whose right operand fits in cache is computed the other way round, op(B)ᵀ·Aᵀ, and the
// (small-rowed) result transposed back. Body-sized products (dY of 12.6 MB) measured alike both
// ways and keep the plain form.

import type { Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import { isStatic } from '../graph/shape';
import { BYTES_PER_ELEMENT } from '../onnx/dtypes';

/** A transposed left operand above this many bytes no longer stays in cache between MLAS's copies of it. */
export const SWAP_LEFT_BYTES = 32 * 1024 * 1024;
/** The other operand must fit in cache, as the swapped product copies it (transposed) just as often. */
export const SWAP_RIGHT_MAX_BYTES = 8 * 1024 * 1024;

export interface ProductOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
}

/** Bytes of a value; a symbolic shape (an exported model's) counts as unknown, and is never swapped. */
const bytes = (v: Value) => (isStatic(v.shape) ? v.size * BYTES_PER_ELEMENT[v.dtype] : NaN);

/** α·op(A)·op(B) for 2-D A and B, as one Gemm, or as (α·op(B)ᵀ·Aᵀ)ᵀ when A is transposed, large, and B small. */
export function gemmProduct(g: Graph, a: Value, b: Value, o: ProductOptions = {}, limits = { left: SWAP_LEFT_BYTES, right: SWAP_RIGHT_MAX_BYTES }): Value {
  if (!o.transA || !(bytes(a) > limits.left && bytes(b) <= limits.right)) return g.gemm(a, b, undefined, o);
  const swapped = g.gemm(b, a, undefined, { transA: !o.transB, alpha: o.alpha }); // op(B)ᵀ·Aᵀ: (n, m)
  return transposeRows(g, swapped);
}

/**
 * The transpose of a 2-D (n, m) value, written as (a, n/a, m) → (m, a, n/a) so that onnxruntime's
 * GemmTransposeFusion, which folds a [1, 0] Transpose of a Gemm's output back into the Gemm
 * (and so into the slow form above), leaves it alone; the same bytes as a plain transpose.
 */
function transposeRows(g: Graph, x: Value): Value {
  const [n, m] = x.sizes;
  const a = smallestFactor(n);
  if (a === n) return g.transpose(x, [1, 0]);
  return g.reshape(g.transpose(g.reshape(x, [a, n / a, m]), [2, 0, 1]), [m, n]);
}

function smallestFactor(n: number): number {
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return f;
  return n;
}
