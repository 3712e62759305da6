// A piece of a graph applied again to other values: the nodes that `outputs` need are emitted
// once more with some of their inputs replaced (`subst`), the way a function is called twice.
// Nodes that depend on no replaced value are shared, not copied (constants, the causal mask).
// trainStepModel uses it to chain K optimizer steps in one model.

import type { Value } from './core';
import type { Graph } from './graph';

/** Replays what `outputs` compute with `subst` applied; returns the replayed value of any of them. */
export function replay(g: Graph, outputs: readonly Value[], subst: ReadonlyMap<Value, Value>): (v: Value) => Value {
  const map = new Map(subst);
  for (const n of g.liveNodes(outputs)) {
    const inputs = n.inputs.map((x) => (x ? (map.get(x) ?? x) : x));
    if (inputs.every((x, i) => x === n.inputs[i])) continue; // untouched: shared
    const emit = () =>
      g.op(
        n.opType,
        inputs,
        n.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape })),
        { ...n.attrs },
      );
    const scope = n.name.slice(0, Math.max(0, n.name.lastIndexOf('.'))); // 'h0.attn' of 'h0.attn.MatMul_7'
    const outs = scope ? g.scope(scope, emit) : emit(); // the copy keeps the scope its profile rows are summed by
    n.outputs.forEach((o, i) => map.set(o, outs[i]));
  }
  return (v) => map.get(v) ?? v;
}
