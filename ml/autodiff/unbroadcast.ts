// The one place broadcasting is undone: sum a gradient over the axes that were broadcast.

import type { Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import { fmt, sameShape, ShapeError, type Shape } from '../graph/shape';

/** Reduces `dy` (the gradient of a broadcast result) back to an operand of shape `shape`. */
export function unbroadcast(g: Graph, dy: Value, shape: Shape): Value {
  if (sameShape(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  if (lead < 0) throw new ShapeError(`unbroadcast: gradient ${fmt(dy.shape)} has lower rank than ${fmt(shape)}`);
  const axes: number[] = [];
  dy.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
    else if (shape[i - lead] !== d) throw new ShapeError(`unbroadcast: ${fmt(dy.shape)} did not come from ${fmt(shape)}`);
  });
  const summed = axes.length ? g.reduceSum(dy, axes, { keepdims: true }) : dy;
  return g.reshape(summed, shape);
}
