// Reverse-mode autodiff over the graph's tape (its nodes in creation order).

import { isFloat } from '../onnx/dtypes';
import type { Node, Value } from '../graph/core';
import type { Graph } from '../graph/graph';
import { fmt, sameShape } from '../graph/shape';
import { RULES } from './rules';

export class GradError extends Error {
  override name = 'GradError';
}

/** Whether input `i` of `node` can carry a gradient at all. */
function differentiable(node: Node, i: number): boolean {
  const x = node.inputs[i];
  return !!x && isFloat(x.dtype) && !(RULES[node.opType]?.nondiff ?? []).includes(i);
}

/**
 * Gradients of the scalar `loss` with respect to `wrt`, as new nodes in `g`.
 * Values used more than once get the sum of their gradients; a value in `wrt` that the
 * loss does not depend on gets zeros.
 */
export function grad(g: Graph, loss: Value, wrt: readonly Value[]): Value[] {
  if (loss.graph !== g) throw new GradError(`grad: ${loss} belongs to another graph`);
  if (loss.rank !== 0) throw new GradError(`grad: the loss must be a scalar, got ${loss}`);
  if (!isFloat(loss.dtype)) throw new GradError(`grad: the loss must be float, got ${loss}`);

  // forward: which values depend on some wrt value
  const needs = new Set<Value>(wrt);
  const tape = g.liveNodes([loss]);
  for (const n of tape) {
    if (n.inputs.some((x, i) => x && needs.has(x) && differentiable(n, i))) {
      for (const o of n.outputs) if (isFloat(o.dtype)) needs.add(o);
    }
  }

  // who reads each value on the tape (rules that rewrite a product with its consumer's gradient ask)
  const readers = new Map<Value, Node[]>();
  for (const n of tape) for (const x of n.inputs) if (x) readers.set(x, [...(readers.get(x) ?? []), n]);

  // reverse: accumulate gradient contributions per value
  const contributions = new Map<Value, Value[]>([[loss, [g.scalar(1, loss.dtype)]]]);
  const total = (v: Value): Value | undefined => {
    const parts = contributions.get(v);
    if (!parts) return undefined;
    const sum = parts.length === 1 ? parts[0] : g.sum(parts);
    contributions.set(v, [sum]);
    return sum;
  };

  for (let k = tape.length - 1; k >= 0; k--) {
    const node = tape[k];
    if (!node.outputs.some((o) => contributions.has(o))) continue;
    const wanted = node.inputs.map((x, i) => !!x && needs.has(x) && differentiable(node, i));
    if (!wanted.some(Boolean)) continue;
    const entry = RULES[node.opType];
    if (!entry?.grad) throw new GradError(`no gradient rule for ${node.opType} (node ${node.name})`);
    const dys = node.outputs.map((o) => total(o) ?? g.zeros(o.shape, o.dtype));
    const thunks = entry.grad(g, node, dys, { readers: (v) => readers.get(v) ?? [], gradOf: (v) => total(v) });
    node.inputs.forEach((x, i) => {
      if (!wanted[i]) return;
      const thunk = thunks[i];
      if (!thunk) throw new GradError(`the ${node.opType} rule gives no gradient for input ${i} (${x}) of node ${node.name}`);
      const sofar = entry.accumulates?.includes(i) ? total(x) : undefined; // the rule adds into it
      const dx = thunk(sofar);
      if (!sameShape(dx.shape, x.shape) || dx.dtype !== x.dtype) {
        throw new GradError(`the ${node.opType} rule gave ${dx.dtype}${fmt(dx.shape)} for input ${x} of node ${node.name}`);
      }
      const list = contributions.get(x);
      if (sofar) contributions.set(x, [dx]);
      else if (list) list.push(dx);
      else contributions.set(x, [dx]);
    });
  }

  return wrt.map((p) => total(p) ?? g.zeros(p.shape, p.dtype));
}
