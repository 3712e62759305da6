// Shape inference with symbolic dimensions: names carry through the ops the GPT uses, the emitted
// model declares them as dim_param, and ops that need a static size refuse in one sentence.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../ml/graph/graph';
import { addDims, broadcastShapes, resolveReshape, ShapeError } from '../../ml/graph/shape';
import * as ort from 'onnxruntime-node';

describe('symbolic dimensions', () => {
  it('broadcast, reshape and concat carry names', () => {
    expect(broadcastShapes('Add', ['batch', 1, 'seq'], [4, 1])).toEqual(['batch', 4, 'seq']);
    expect(() => broadcastShapes('Add', ['batch'], ['seq'])).toThrow(ShapeError);
    expect(() => broadcastShapes('Add', ['batch'], [3])).toThrow(/do not broadcast/);
    expect(resolveReshape('Reshape', ['batch', 'seq', 6], [-1, 6])).toEqual(['batch*seq', 6]);
    expect(resolveReshape('Reshape', ['batch*seq', 6], ['batch', -1, 3])).toEqual(['batch', '2*seq', 3]);
    expect(() => resolveReshape('Reshape', ['batch', 6], ['seq', 6])).toThrow(/"seq" is not in the input/);
    expect(addDims('past', 'seq')).toBe('past + seq');
    expect(addDims(0, 'seq')).toBe('seq');
    expect(addDims(2, 3)).toBe(5);
  });

  it('infers the shapes of a block-like graph and refuses static-only ops clearly', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['batch', 'seq', 8]);
    const w = g.param('w', [8, 24]);
    const qkv = g.linear(x, w); // (batch, seq, 24)
    expect(qkv.shape).toEqual(['batch', 'seq', 24]);
    const heads = g.reshape(qkv, ['batch', 'seq', 3, 2, 4]);
    expect(heads.shape).toEqual(['batch', 'seq', 3, 2, 4]);
    const t = g.transpose(heads, [2, 0, 3, 1, 4]);
    const [q] = g.split(t, [1, 1, 1], 0).map((s) => g.squeeze(s, [0]));
    expect(q.shape).toEqual(['batch', 2, 'seq', 4]);
    const past = g.input('past', 'float32', ['batch', 2, 'past', 4]);
    const k = g.concat([past, q], 2);
    expect(k.shape).toEqual(['batch', 2, 'past + seq', 4]);
    const scores = g.softmax(g.matmul(q, g.mT(k)), -1);
    expect(scores.shape).toEqual(['batch', 2, 'seq', 'past + seq']);
    expect(g.reduceSum(scores, [-1], { keepdims: true }).shape).toEqual(['batch', 2, 'seq', 1]);
    expect(() => g.slice(x, [0], [1], [1])).toThrow(/Slice: axis 1 of x: float32\[batch, seq, 8\]: needs a static size, but dimension "seq" is symbolic/);
    expect(() => g.expand(g.scalar(1), ['batch', 3])).toThrow(/Expand: needs a static size/);
    expect(() => g.param('p', ['n', 3])).toThrow(/must be non-negative integers/);
    expect(() => x.size).toThrow(/dimension "batch" is symbolic/);
    // two symbolic axes that move cannot be written with Reshape's 0/-1
    expect(() => g.reshape(g.transpose(x, [1, 0, 2]), ['batch', 'seq', 8])).toThrow(/cannot write .* with static sizes/);
  });

  it('emits dim_param: one model runs at two batch and sequence sizes', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['batch', 'seq', 4]);
    const y = g.reshape(g.mul(x, 2), ['batch', 'seq', 2, 2]);
    const session = await ort.InferenceSession.create(g.toModel({ outputs: { y } }).bytes);
    for (const [b, s] of [
      [1, 3],
      [5, 2],
    ]) {
      const data = Float32Array.from({ length: b * s * 4 }, (_, i) => i);
      const out = (await session.run({ x: new ort.Tensor('float32', data, [b, s, 4]) })).y;
      expect(out.dims).toEqual([b, s, 2, 2]);
      expect(Array.from(out.data as Float32Array)).toEqual(Array.from(data, (v) => 2 * v));
    }
    await session.release();
  });
});
