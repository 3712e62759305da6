import { describe, expect, it } from 'vitest';
import { CUDA_MISSING, Graph, grad, Session, ShapeError, WorkerRunner } from '../../ml/index';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CUDA_LIBS_MISSING } from '../../ml/runtime/device';
import { nativeDir } from '../../ml/runtime/ort';

describe('bad input gets a clear error', () => {
  it('shape mismatches throw at build time, naming the op and both shapes', () => {
    const g = new Graph();
    const a = g.input('a', 'float32', [2, 3]);
    const b = g.input('b', 'float32', [4, 5]);
    expect(() => g.matmul(a, b)).toThrow(ShapeError);
    expect(() => g.matmul(a, b)).toThrow('MatMul: cannot multiply [2, 3] by [4, 5]: inner dimensions 3 and 4 differ');
    expect(() => g.add(a, b)).toThrow('Add: shapes [2, 3] and [4, 5] do not broadcast');
    expect(() => g.gemm(a, b, undefined, { transB: true })).toThrow('Gemm: cannot multiply [2, 3] by [4, 5]ᵀ');
    expect(() => g.concat([a, b], 0)).toThrow('Concat: [2, 3] and [4, 5] differ outside axis 0');
    expect(() => g.reshape(a, [4, -1])).toThrow('Reshape: cannot reshape [2, 3] (6 elements) to [4, -1]');
    expect(() => g.softmax(a, 2)).toThrow('Softmax: axis 2 is out of range for rank 2');
    expect(() => g.gather(a, a)).toThrow('Gather: indices a: float32[2, 3] must be int64');
    expect(() => g.add(a, g.input('c', 'float64', [3]))).toThrow('Add: dtypes differ');
    expect(() => g.input('a', 'float32', [1])).toThrow('the name "a" is already used');
  });

  it('an op without a gradient rule does not compile, and at run time fails loudly with its name', () => {
    const g = new Graph();
    const x = g.param('x', [3]);
    // @ts-expect-error Softplus is not in OP_TYPES, so the builder refuses it at compile time
    const y = g.op1('Softplus', [x], { dtype: 'float32', shape: [3] });
    expect(() => grad(g, g.reduceSum(y), [x])).toThrow(/no gradient rule for Softplus \(node Softplus_\d+\)/);
  });

  it('non-differentiable inputs get no gradient, and unreachable params get zeros', () => {
    const g = new Graph();
    const table = g.param('table', [4, 2]);
    const unused = g.param('unused', [2]);
    const idx = g.input('idx', 'int64', [3]);
    const [dTable, dUnused] = grad(g, g.reduceSum(g.gather(table, idx)), [table, unused]);
    expect(dTable.shape).toEqual([4, 2]);
    expect(dUnused.shape).toEqual([2]);
    expect(() => grad(g, table, [table])).toThrow('the loss must be a scalar');
  });

  it('a graph onnxruntime rejects reports the node and the op', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    // @ts-expect-error not an op of OP_TYPES: only reachable past the type checker
    const y = g.op1('NoSuchOp', [g.relu(x)], { dtype: 'float32', shape: [2] });
    await expect(Session.create(g.toModel({ outputs: { y } }))).rejects.toThrow(
      /onnxruntime rejected the model at node NoSuchOp_\d+ \(op NoSuchOp, inputs Relu_\d+:0: float32\[2\]\)/,
    );
  });

  it('asking for CUDA where it is not installed gives one clear sentence', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    // after `npm run gpu:setup` on a machine without CUDA libraries the sentence names those instead
    const installed = existsSync(path.join(nativeDir(), 'libonnxruntime_providers_cuda.so'));
    await expect(Session.create(g.toModel({ outputs: { y: g.relu(x) } }), { provider: 'cuda' })).rejects.toThrow(installed ? CUDA_LIBS_MISSING : CUDA_MISSING);
    expect(CUDA_MISSING).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci');
    expect(CUDA_MISSING).toContain('npm run gpu:setup');
  });

  it('wrong feeds are named with the expected dtype and shape', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2, 2]);
    const s = await Session.create(g.toModel({ outputs: { y: g.relu(x) } }));
    await expect(s.run({ x: new Float32Array(3) })).rejects.toThrow('input x expects float32[2, 2] (4 values), got float32 with 3 values');
    await expect(s.run({ x: new Float64Array(4) })).rejects.toThrow('got float64');
    await expect(s.run({})).rejects.toThrow('missing input x');
    await expect(s.run({ x: new Float32Array(4), z: new Float32Array(1) })).rejects.toThrow('no input named z');
    await s.dispose();
  });

  it('errors inside the worker come back as rejected promises', async () => {
    const runner = new WorkerRunner();
    await expect(runner.run('missing')).rejects.toThrow('no model loaded as "missing"');
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    await runner.load('m', g.toModel({ outputs: { y: g.relu(x) } }));
    await expect(runner.run('m')).rejects.toThrow('input x is neither fed nor in the state');
    await runner.dispose();
  });
});
