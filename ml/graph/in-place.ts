// Which state a model may update in place. A state-keeping model reads tensor X as an input and
// returns its new value as output `next.X` (StateRunner's convention). onnxruntime writes a
// pre-allocated output while the node that produces it runs, so X's own buffer may receive
// next.X only when every node that reads X has finished by then: when each reader of X is an
// ancestor of next.X's producer (any execution order runs an ancestor first). A training step
// with gradient clipping has that order built in: every weight's update waits for the global
// gradient norm, which waits for every backward product that reads a weight. Without clipping,
// a weight's update does not wait for dX = dY·Wᵀ, so that weight keeps two buffers.

import type { Node, Value } from './value';

/** The `next.X` prefix of state outputs (runtime/state-runner.ts reads it too). */
const NEXT_PREFIX = 'next.';

/**
 * Names X of state that may be written in place: the model has an output `next.X`, X is one of
 * its inputs, the output is written by its producing node itself (not through an Identity), and
 * every reader of X is a strict ancestor of that node. `direct` maps values to the output name
 * their producer writes directly.
 */
export function inPlaceState(
  inputs: readonly Value[],
  outputs: ReadonlyArray<readonly [string, Value]>,
  live: readonly Node[],
  direct: ReadonlyMap<Value, string>,
): string[] {
  const byName = new Map(inputs.map((v) => [v.name, v]));
  const readers = new Map<Value, Node[]>();
  for (const n of live) {
    for (const x of n.inputs) if (x && byName.get(x.name) === x) (readers.get(x) ?? readers.set(x, []).get(x)!).push(n);
  }
  const returned = new Set(outputs.map(([, v]) => v)); // an input returned as an output is copied by an Identity that reads it
  const safe: string[] = [];
  for (const [name, v] of outputs) {
    if (!name.startsWith(NEXT_PREFIX)) continue;
    const x = byName.get(name.slice(NEXT_PREFIX.length));
    if (!x || returned.has(x) || !v.producer || direct.get(v) !== name || x.dtype !== v.dtype) continue;
    if (allAncestors(v.producer, readers.get(x) ?? [])) safe.push(x.name);
  }
  return safe;
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
