// Static shape helpers. Every check throws at build time, naming the op and the shapes.

/** A dimension: a static size, or a symbolic name ('batch', 'seq', 'past + seq') fixed only at run time. */
export type Dim = number | string;

export type Shape = readonly Dim[];

export class ShapeError extends Error {
  override name = 'ShapeError';
}

export const fmt = (s: Shape): string => `[${s.join(', ')}]`;

export const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export const isStatic = (s: Shape): s is readonly number[] => s.every((d) => typeof d === 'number');

/** `s` as sizes, or a ShapeError saying that `what` needs a static size where a dimension is symbolic. */
export function staticShape(what: string, s: Shape): number[] {
  const sym = s.find((d) => typeof d === 'string');
  if (sym !== undefined) throw new ShapeError(`${what}: needs a static size, but dimension "${sym}" is symbolic`);
  return [...(s as readonly number[])];
}

/** The dimension of a sum of two dimensions (Concat, Pad): a size, or a symbolic "a + b". */
export function addDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  return `${a} + ${b}`;
}

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** numpy-style broadcasting of any number of shapes; a symbolic dimension matches only itself or 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
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

/** A symbolic dimension's factors: "batch*seq" → ["batch", "seq"]; a sum such as "past + seq" is one factor. */
const factors = (d: string): string[] => (d.includes('+') ? [d] : d.split('*'));

/** Static size and sorted symbolic factors of a shape's element count. */
function count(s: Shape): { size: number; sym: string[] } {
  let size = 1;
  const sym: string[] = [];
  for (const d of s) {
    if (typeof d === 'number') size *= d;
    else
      for (const f of factors(d))
        if (/^\d+$/.test(f)) size *= Number(f);
        else sym.push(f);
  }
  return { size, sym: sym.sort() };
}

/**
 * Resolves one -1 in a reshape target. With symbolic dimensions, the element counts must agree
 * as a product of sizes and names; a -1 then stands for the names left over ("batch*seq").
 */
export function resolveReshape(op: string, from: Shape, to: readonly Dim[]): Dim[] {
  const known = to.filter((d) => d !== -1);
  const holes = to.length - known.length;
  if (holes > 1 || known.some((d) => typeof d === 'number' && (!Number.isInteger(d) || d < 0))) {
    throw new ShapeError(`${op}: invalid target shape ${fmt(to)}`);
  }
  const have = count(from);
  const want = count(known);
  const left = [...have.sym];
  for (const f of want.sym) {
    const i = left.indexOf(f);
    if (i < 0) throw new ShapeError(`${op}: cannot reshape ${fmt(from)} to ${fmt(to)}: the symbolic dimension "${f}" is not in the input`);
    left.splice(i, 1);
  }
  const rest = have.size / want.size;
  if (!Number.isInteger(rest) || (holes === 0 && (rest !== 1 || left.length > 0))) {
    const elements = [...(have.size !== 1 || have.sym.length === 0 ? [String(have.size)] : []), ...have.sym].join('·');
    throw new ShapeError(`${op}: cannot reshape ${fmt(from)} (${elements} elements) to ${fmt(to)}`);
  }
  const hole: Dim = left.length === 0 ? rest : [...(rest === 1 ? [] : [String(rest)]), ...left].join('*');
  return to.map((d) => (d === -1 ? hole : d));
}

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}
