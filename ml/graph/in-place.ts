// Which state a model may update in place. A state-keeping model reads tensor X as an input and
// returns its new value as output `next.X` (StateRunner's convention). onnxruntime writes a
// pre-allocated output while the node that produces it runs, so X's own buffer may receive
// next.X only when every node that reads X has finished by then: when each reader of X is an
// ancestor of next.X's producer (any execution order runs an ancestor first). A training step
// with gradient clipping has that order built in: every weight's update waits for the global
// gradient norm, which waits for every backward product that reads a weight. Without clipping,
// a weight's update does not wait for dX = dY·Wᵀ, so that weight keeps two buffers.
//
// Readers are followed through the ops onnxruntime runs as aliases of their input on the CPU
// (Reshape, Squeeze, Unsqueeze, Flatten, Identity: the output is X's own buffer), and the producer
// itself may read X when it reads element i only to write element i (an elementwise op over X's
// full shape, or Gemm's C, which it copies into Y before it computes): `next.b = b − u` and
// AdamW's moment updates are written in place.

import type { Node, Value } from './value';

/** The `next.X` prefix of state outputs (runtime/state-runner.ts reads it too). */
const NEXT_PREFIX = 'next.';

/** Ops whose CPU kernel may hand out its input's buffer as its output. */
const ALIAS_OPS = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

/** Elementwise ops: output element i depends on input element i alone (when the input is not broadcast). */
const ELEMENTWISE_OPS = new Set(['Add', 'Sub', 'Mul', 'Div', 'Sqrt', 'Neg', 'Abs', 'Exp', 'Log', 'Tanh', 'Sigmoid', 'Relu', 'Cast', 'Where', 'Min', 'Max']);

/**
 * Names X of state that may be written in place: the model has an output `next.X`, X is one of
 * its inputs, the output is written by its producing node itself (not through an Identity), and
 * every reader of X (through aliases) is a strict ancestor of that node or the node itself
 * reading X index by index. `direct` maps values to the output name their producer writes directly.
 */
export function inPlaceState(
  inputs: readonly Value[],
  outputs: ReadonlyArray<readonly [string, Value]>,
  live: readonly Node[],
  direct: ReadonlyMap<Value, string>,
): string[] {
  const byName = new Map(inputs.map((v) => [v.name, v]));
  const readersOf = new Map<Value, Node[]>();
  for (const n of live) for (const x of n.inputs) if (x) (readersOf.get(x) ?? readersOf.set(x, []).get(x)!).push(n);
  const returned = new Set(outputs.map(([, v]) => v)); // an input returned as an output is copied by an Identity that reads it
  const safe: string[] = [];
  for (const [name, v] of outputs) {
    if (!name.startsWith(NEXT_PREFIX)) continue;
    const x = byName.get(name.slice(NEXT_PREFIX.length));
    if (!x || returned.has(x) || !v.producer || direct.get(v) !== name || x.dtype !== v.dtype) continue;
    const { readers, views } = aliasedReaders(x, readersOf, returned);
    if (!readers) continue; // an alias of X is a model output: X's buffer leaves the model
    const writer = v.producer;
    const others = readers.filter((n) => n !== writer);
    if (others.length < readers.length && !readsIndexByIndex(writer, views, x.size)) continue;
    if (allAncestors(writer, others)) safe.push(x.name);
  }
  return safe;
}

/** Every node that reads X or a value aliasing X's buffer, and those values (X included); no readers when an alias is an output. */
function aliasedReaders(x: Value, readersOf: ReadonlyMap<Value, Node[]>, returned: ReadonlySet<Value>): { readers?: Node[]; views: Set<Value> } {
  const views = new Set<Value>([x]);
  const readers = new Set<Node>();
  const stack = [x];
  while (stack.length) {
    const y = stack.pop()!;
    for (const n of readersOf.get(y) ?? []) {
      readers.add(n);
      if (!ALIAS_OPS.has(n.opType) || n.inputs[0] !== y) continue;
      const out = n.outputs[0];
      if (returned.has(out)) return { views };
      if (views.has(out)) continue;
      views.add(out);
      stack.push(out);
    }
  }
  return { readers: [...readers], views };
}

/** Whether `n` reads the buffer (through `views`) only at the index it writes. */
function readsIndexByIndex(n: Node, views: ReadonlySet<Value>, size: number): boolean {
  if (n.outputs[0].size !== size) return false;
  if (n.opType === 'Gemm') return n.inputs.every((v, i) => !views.has(v) || i === 2); // C is copied into Y first
  return ELEMENTWISE_OPS.has(n.opType) && n.inputs.every((v) => !views.has(v) || v.size === size);
}

/** Whether every node in `wanted` is a strict ancestor of `of` (searching no further than needed). */
function allAncestors(of: Node, wanted: readonly Node[]): boolean {
  if (wanted.includes(of)) return false;
  const left = new Set(wanted);
  if (left.size === 0) return true;
  const seen = new Set<Node>([of]);
  const stack = [of];
  while (stack.length) {
    const n = stack.pop()!;
    for (const x of n.inputs) {
      const p = x?.producer;
      if (!p || seen.has(p)) continue;
      seen.add(p);
      if (left.delete(p) && left.size === 0) return true;
      stack.push(p);
    }
  }
  return false;
}
