// The one place broadcasting is undone: sum a gradient over the axes that were broadcast.

import type { Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import { fmt, sameShape, ShapeError, staticShape, type Shape } from '../graph/shape';

/** Below this many kept elements a ReduceSum is as cheap as the product. */
const MIN_COLS = 8;

/** Reduces `dy` (the gradient of a broadcast result) back to an operand of shape `shape`. */
export function unbroadcast(g: Graph, dy: Value, to: Shape): Value {
  const shape = staticShape(`unbroadcast to ${fmt(to)}`, to);
  if (sameShape(dy.sizes, shape)) return dy;
  const lead = dy.rank - shape.length;
  if (lead < 0) throw new ShapeError(`unbroadcast: gradient ${fmt(dy.sizes)} has lower rank than ${fmt(shape)}`);
  const axes: number[] = [];
  dy.sizes.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
    else if (shape[i - lead] !== d) throw new ShapeError(`unbroadcast: ${fmt(dy.sizes)} did not come from ${fmt(shape)}`);
  });
  if (axes.length === 0) return g.reshape(dy, shape);
  const rows = axes.reduce((n, a) => n * dy.sizes[a], 1);
  const cols = dy.size / rows;
  if (axes.every((a, i) => a === i) && cols >= MIN_COLS) {
    // only leading axes (a bias over rows): 1ᵀ·dY as one matrix product, faster than ReduceSum over the outer axis
    return g.reshape(g.matmul(g.onesRow(rows, dy.dtype), g.reshape(dy, [rows, cols])), shape); // (1, cols)
  }
  return g.reshape(g.reduceSum(dy, axes, { keepdims: true }), shape);
}
