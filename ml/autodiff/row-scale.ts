// A gradient that is a per-row scaling of another, dY = diag(r)·Z, as the cross-entropy's is
// (Z = softmax − onehot, r the loss weight of each token). A product that reads dY can take r
// onto its small operands instead: for Y = op(A)·op(B) with dY (N, V) and A (N, K), K ≪ V,
//   d op(A) = diag(r)·(Z·op(B)ᵀ)   and   d op(B) = (diag(r)·op(A))ᵀ·Z,
// two passes over (N, K) instead of one over (N, V) (GPT-2's lm head: 3 MB against 206 MB).

import type { Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import { sameShape } from '../graph/shape';

export interface RowScaled {
  z: Value; // (N, V), dY's shape
  r: Value; // (N, 1)
}

/**
 * dY (N, V) as diag(r)·Z when its producer, seen through reshapes that keep the last axis and
 * products with a single number (a temperature's 1/T), is Mul(Z, r) with r one value per row of Z;
 * undefined otherwise. The single numbers are folded into r.
 */
export function rowScaled(g: Graph, dy: Value): RowScaled | undefined {
  if (dy.rank !== 2) return undefined;
  const V = dy.shape[1];
  const scalars: Value[] = [];
  let v = dy;
  for (let p = v.producer; p; p = v.producer) {
    const [a, b] = p.inputs as Value[];
    if (p.opType === 'Reshape' && a.shape.at(-1) === V) {
      v = a;
      continue;
    }
    const [k, x] = b?.size === 1 ? [b, a] : [a, b];
    if (p.opType !== 'Mul' || k.size !== 1 || x.size !== v.size) break;
    scalars.push(k);
    v = x;
  }
  const mul = v.producer;
  if (mul?.opType !== 'Mul') return undefined;
  const [x, y] = mul.inputs as [Value, Value];
  const column = (z: Value, r: Value) => r.rank === z.rank && r.shape.at(-1) === 1 && r.shape.slice(0, -1).every((d, i) => d === z.shape[i]);
  const [z, r] = column(x, y) ? [x, y] : column(y, x) ? [y, x] : [];
  if (!z || !r || !(z.shape.every((d, i) => d === v.shape[i]) && z.shape.at(-1) === V)) return undefined;
  const rows = [dy.shape[0], 1];
  const r2 = sameShape(r.shape, rows) ? r : g.reshape(r, rows);
  return {
    z: sameShape(z.shape, dy.shape) ? z : g.reshape(z, dy.shape),
    r: scalars.reduce((acc, k) => g.mul(acc, g.reshape(k, [])), r2),
  };
}
