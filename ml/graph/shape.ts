// Static shape helpers. Every check throws at build time, naming the op and the shapes.

export type Shape = readonly number[];

export class ShapeError extends Error {
  override name = 'ShapeError';
}

export const fmt = (s: Shape): string => `[${s.join(', ')}]`;

export const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** numpy-style broadcasting of any number of shapes. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      const sd = k < 0 ? 1 : s[k];
      if (sd === 1 || sd === d) continue;
      if (d !== 1) throw new ShapeError(`${op}: shapes ${shapes.map(fmt).join(' and ')} do not broadcast`);
      d = sd;
    }
    out.push(d);
  }
  return out;
}

/** Resolves a possibly negative axis against a rank. */
export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

export function normAxes(op: string, axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => normAxis(op, a, rank));
  if (new Set(out).size !== out.length) throw new ShapeError(`${op}: repeated axis in [${axes.join(', ')}]`);
  return out.sort((a, b) => a - b);
}

/** Resolves one -1 in a reshape target. */
export function resolveReshape(op: string, from: Shape, to: readonly number[]): number[] {
  const known = to.filter((d) => d !== -1);
  const holes = to.length - known.length;
  if (holes > 1 || known.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${op}: invalid target shape ${fmt(to)}`);
  }
  const total = numel(from);
  const rest = numel(known);
  const out = to.map((d) => (d === -1 ? total / rest : d));
  if (numel(out) !== total || out.some((d) => !Number.isInteger(d))) {
    throw new ShapeError(`${op}: cannot reshape ${fmt(from)} (${total} elements) to ${fmt(to)}`);
  }
  return out;
}

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}
