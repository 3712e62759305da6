// Shape and indexing ops: transpose, reshape, concat/split/slice, expand, (un)squeeze,
// gather/scatter, triangular masks and cumulative sums.

import { assertSameDtype, Value } from './core';
import { ElementwiseOps } from './ops-elementwise';
import { addDims, broadcastShapes, fmt, isStatic, normAxes, normAxis, resolveReshape, sameShape, ShapeError, staticShape, type Dim, type Shape } from './shape';

export class TensorOps extends ElementwiseOps {
  /** Permutes axes; the default reverses them. */
  transpose(x: Value, perm?: readonly number[]): Value {
    const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
    if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
      throw new ShapeError(`Transpose: perm [${p.join(', ')}] does not fit ${x}`);
    }
    if (p.every((v, i) => v === i)) return x; // the identity: no copy
    return this.op1('Transpose', [x], { dtype: x.dtype, shape: p.map((i) => x.shape[i]) }, { perm: [...p] });
  }

  /** Swaps the last two axes (a transposed view for matmul). */
  mT(x: Value): Value {
    if (x.rank < 2) throw new ShapeError(`mT: ${x} needs rank >= 2`);
    const perm = x.shape.map((_, i) => i);
    [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
    return this.transpose(x, perm);
  }

  /**
   * Reshape; one dimension may be -1. A symbolic dimension of the target must be the input's
   * dimension at the same axis (emitted as 0, "copy") or the one left to -1.
   */
  reshape(x: Value, shape: Shape): Value {
    const to = resolveReshape('Reshape', x.shape, shape);
    if (sameShape(to, x.shape)) return x;
    if (isStatic(to)) return this.op1('Reshape', [x, this.ints(to)], { dtype: x.dtype, shape: to });
    const target = to.map((d, i) => (typeof d === 'number' ? d : d === x.shape[i] ? 0 : -1));
    if (target.filter((d) => d === -1).length > 1 || target.some((d, i) => d === 0 && to[i] !== x.shape[i])) {
      throw new ShapeError(
        `Reshape: cannot write ${fmt(x.shape)} → ${fmt(to)} with static sizes: move symbolic dimensions to the same axes or leave one to -1`,
      );
    }
    return this.op1('Reshape', [x, this.ints(target)], { dtype: x.dtype, shape: to });
  }

  concat(xs: readonly Value[], axis: number): Value {
    if (xs.length === 0) throw new Error('Concat: no inputs');
    if (xs.length === 1) return xs[0];
    assertSameDtype('Concat', ...xs);
    const a = normAxis('Concat', axis, xs[0].rank);
    const shape = [...xs[0].shape];
    for (const x of xs.slice(1)) {
      if (x.rank !== shape.length || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
        throw new ShapeError(`Concat: ${fmt(xs[0].shape)} and ${fmt(x.shape)} differ outside axis ${axis}`);
      }
      shape[a] = addDims(shape[a], x.shape[a]);
    }
    return this.op1('Concat', xs, { dtype: xs[0].dtype, shape }, { axis: a });
  }

  /** Splits along `axis` into pieces of the given sizes. */
  split(x: Value, sizes: readonly number[], axis: number): Value[] {
    const a = normAxis('Split', axis, x.rank);
    if (sizes.reduce((s, d) => s + d, 0) !== x.shape[a]) {
      throw new ShapeError(`Split: sizes [${sizes.join(', ')}] do not add up to ${x.shape[a]} (axis ${axis} of ${x})`);
    }
    const outs = sizes.map((d) => ({ dtype: x.dtype, shape: x.shape.map((s, i) => (i === a ? d : s)) }));
    return this.op('Split', [x, this.ints(sizes)], outs, { axis: a });
  }

  /** x[start:end] along each given axis (unit step, non-negative bounds clamped to the dimension). */
  slice(x: Value, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Value {
    if (starts.length !== axes.length || ends.length !== axes.length) throw new ShapeError('Slice: starts, ends and axes differ in length');
    const ax = axes.map((a) => normAxis('Slice', a, x.rank));
    const shape = [...x.shape];
    const st: number[] = [];
    const en: number[] = [];
    ax.forEach((a, k) => {
      const n = staticShape(`Slice: axis ${a} of ${x}`, [x.shape[a]])[0];
      const s = Math.min(Math.max(starts[k] < 0 ? starts[k] + n : starts[k], 0), n);
      const e = Math.min(Math.max(ends[k] < 0 ? ends[k] + n : ends[k], s), n);
      st.push(s);
      en.push(e);
      shape[a] = e - s;
    });
    return this.op1('Slice', [x, this.ints(st), this.ints(en), this.ints(ax)], { dtype: x.dtype, shape });
  }

  /** Zero padding: `before[i]`/`after[i]` elements on each side of axis i. */
  pad(x: Value, before: readonly number[], after: readonly number[]): Value {
    if (before.length !== x.rank || after.length !== x.rank) throw new ShapeError(`Pad: pads do not fit ${x}`);
    const shape = x.shape.map((d, i) => addDims(d, before[i] + after[i]));
    return this.op1('Pad', [x, this.ints([...before, ...after])], { dtype: x.dtype, shape }, { mode: 'constant' });
  }

  expand(x: Value, shape: Shape): Value {
    const out = broadcastShapes('Expand', x.shape, shape);
    if (!sameShape(out, shape)) throw new ShapeError(`Expand: cannot expand ${fmt(x.shape)} to ${fmt(shape)}`);
    if (sameShape(out, x.shape)) return x;
    return this.op1('Expand', [x, this.ints(staticShape('Expand', shape))], { dtype: x.dtype, shape: out });
  }

  unsqueeze(x: Value, axes: readonly number[]): Value {
    const rank = x.rank + axes.length;
    const ax = normAxes('Unsqueeze', axes, rank);
    const shape: Dim[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(ax.includes(i) ? 1 : x.shape[k++]);
    return this.op1('Unsqueeze', [x, this.ints(ax)], { dtype: x.dtype, shape });
  }

  squeeze(x: Value, axes: readonly number[]): Value {
    const ax = normAxes('Squeeze', axes, x.rank);
    for (const a of ax) if (x.shape[a] !== 1) throw new ShapeError(`Squeeze: axis ${a} of ${x} is not 1`);
    const shape = x.shape.filter((_, i) => !ax.includes(i));
    return this.op1('Squeeze', [x, this.ints(ax)], { dtype: x.dtype, shape });
  }

  /** data.take(indices, axis): out shape = data[:axis] + indices + data[axis+1:]. */
  gather(data: Value, indices: Value, axis = 0): Value {
    assertIndex('Gather', indices);
    const a = normAxis('Gather', axis, data.rank);
    const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
    return this.op1('Gather', [data, indices], { dtype: data.dtype, shape }, { axis: a });
  }

  /** out[i][j] = data[indices[i][j]][j] (axis 0); out has the indices' shape. */
  gatherElements(data: Value, indices: Value, axis: number): Value {
    assertIndex('GatherElements', indices);
    const a = normAxis('GatherElements', axis, data.rank);
    if (indices.rank !== data.rank || indices.shape.some((d, i) => i !== a && !fits(d, data.shape[i]))) {
      throw new ShapeError(`GatherElements: indices ${fmt(indices.shape)} do not fit data ${fmt(data.shape)} on axis ${axis}`);
    }
    return this.op1('GatherElements', [data, indices], { dtype: data.dtype, shape: indices.shape }, { axis: a });
  }

  /** Gathers slices addressed by the last axis of `indices` (batch_dims 0). */
  gatherND(data: Value, indices: Value): Value {
    assertIndex('GatherND', indices);
    const k = staticShape(`GatherND: index depth of ${indices}`, indices.shape.slice(-1))[0];
    if (indices.rank < 1 || k > data.rank) throw new ShapeError(`GatherND: indices ${fmt(indices.shape)} do not fit data ${fmt(data.shape)}`);
    const shape = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
    return this.op1('GatherND', [data, indices], { dtype: data.dtype, shape });
  }

  /** Writes (or with reduction 'add', adds) `updates` into a copy of `data` at `indices` along `axis`. */
  scatterElements(data: Value, indices: Value, updates: Value, axis: number, reduction: 'none' | 'add' = 'add'): Value {
    assertIndex('ScatterElements', indices);
    assertSameDtype('ScatterElements', data, updates);
    const a = normAxis('ScatterElements', axis, data.rank);
    if (!sameShape(indices.shape, updates.shape) || indices.rank !== data.rank || indices.shape.some((d, i) => i !== a && !fits(d, data.shape[i]))) {
      throw new ShapeError(`ScatterElements: indices ${fmt(indices.shape)}, updates ${fmt(updates.shape)} do not fit data ${fmt(data.shape)}`);
    }
    return this.op1('ScatterElements', [data, indices, updates], { dtype: data.dtype, shape: data.shape }, { axis: a, reduction });
  }

  /** Writes (or adds) slices `updates` into a copy of `data` at the index tuples in the last axis of `indices`. */
  scatterND(data: Value, indices: Value, updates: Value, reduction: 'none' | 'add' = 'add'): Value {
    assertIndex('ScatterND', indices);
    assertSameDtype('ScatterND', data, updates);
    const k = staticShape(`ScatterND: index depth of ${indices}`, indices.shape.slice(-1))[0];
    const want = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
    if (k > data.rank || !sameShape(want, updates.shape)) {
      throw new ShapeError(`ScatterND: updates ${fmt(updates.shape)} should be ${fmt(want)} for indices ${fmt(indices.shape)} into data ${fmt(data.shape)}`);
    }
    return this.op1('ScatterND', [data, indices, updates], { dtype: data.dtype, shape: data.shape }, { reduction });
  }

  /** Keeps the lower (or upper) triangle of the last two axes, from diagonal k. */
  trilu(x: Value, upper: boolean, k = 0): Value {
    if (x.rank < 2) throw new ShapeError(`Trilu: ${x} needs rank >= 2`);
    return this.op1('Trilu', [x, this.constant([k], [], 'int64')], { dtype: x.dtype, shape: x.shape }, { upper: upper ? 1 : 0 });
  }

  /** A constant bool [T, T] mask, true where key position <= query position. */
  causalMask(T: number): Value {
    const m = new Uint8Array(T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) m[i * T + j] = 1;
    return this.constant(m, [T, T], 'bool');
  }

  cumsum(x: Value, axis: number, options: { exclusive?: boolean; reverse?: boolean } = {}): Value {
    const a = normAxis('CumSum', axis, x.rank);
    const attrs = { exclusive: options.exclusive ? 1 : 0, reverse: options.reverse ? 1 : 0 };
    return this.op1('CumSum', [x, this.constant([a], [], 'int64')], { dtype: x.dtype, shape: x.shape }, attrs);
  }
}

/** An index extent `d` that fits in a data extent `n`: d <= n, or the same symbolic dimension. */
function fits(d: Dim, n: Dim): boolean {
  return d === n || d === 1 || (typeof d === 'number' && typeof n === 'number' && d <= n);
}

function assertIndex(op: string, indices: Value): void {
  if (indices.dtype !== 'int64') throw new ShapeError(`${op}: indices ${indices} must be int64`);
}
