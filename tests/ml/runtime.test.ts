import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Graph, initParams, StateRunner, WorkerRunner } from '../../ml/index';
import { sessionOptions } from '../../ml/runtime/config';
import { nums } from './helpers';

/**
 * A model that adds x to state `c`: next.c = c + x. With `oldReader`, an output also reads the old
 * c with nothing ordering it before the write, so c cannot be written in place (two buffers).
 */
function counter(oldReader = false) {
  const g = new Graph();
  const c = g.param('c', [4]);
  const x = g.input('x', 'float32', [4]);
  const next = g.add(c, x);
  return g.toModel({ outputs: { 'next.c': next, doubled: g.mul(next, 2), ...(oldReader ? { before: g.mul(c, 1) } : {}) } });
}

describe('runtime', () => {
  it('defaults to the CPU provider and one intra-op thread; threads spin only inside a run, and only with more than one', () => {
    const o = sessionOptions();
    expect(o.executionProviders).toEqual(['cpu']);
    expect(o.intraOpNumThreads).toBe(1);
    const spin = (v: '0' | '1') => ({ session: { intra_op: { allow_spinning: v }, force_spinning_stop: '1' } });
    expect(o.extra).toEqual(spin('0'));
    expect(sessionOptions({ intraOpThreads: 2 }).extra).toEqual(spin('1'));
    expect(sessionOptions({ intraOpThreads: 2, spinning: false }).extra).toEqual(spin('0'));
  });

  it('keeps state between runs, double-buffered without new allocations', async () => {
    const runner = new StateRunner();
    await runner.load('count', counter(true));
    await runner.setState({ c: new Float32Array([1, 2, 3, 4]) });
    const x = new Float32Array([1, 1, 1, 1]);
    const out = await runner.run('count', { x });
    expect(nums(out.doubled)).toEqual([4, 6, 8, 10]);
    expect(nums(out.before)).toEqual([1, 2, 3, 4]); // the old value, though the write came after it in no order
    expect(Object.keys(out).sort()).toEqual(['before', 'doubled']);
    const a = runner.peek('c');
    await runner.run('count', { x });
    const b = runner.peek('c');
    await runner.run('count', { x });
    expect(runner.peek('c')).toBe(a); // the two buffers alternate
    expect(b).not.toBe(a);
    expect(nums((await runner.getState(['c'])).c)).toEqual([4, 5, 6, 7]);
    await runner.dispose();
  });

  it('writes state in place when its only reader is the write itself, element by element', async () => {
    const runner = new StateRunner();
    await runner.load('count', counter());
    await runner.setState({ c: new Float32Array([1, 2, 3, 4]) });
    const x = new Float32Array([1, 1, 1, 1]);
    const a = runner.peek('c');
    expect(nums((await runner.run('count', { x })).doubled)).toEqual([4, 6, 8, 10]);
    await runner.run('count', { x });
    expect(runner.peek('c')).toBe(a); // one buffer
    expect(nums((await runner.getState(['c'])).c)).toEqual([3, 4, 5, 6]);
    await runner.dispose();
  });

  it("profiles a runner's runs when asked (RuntimeConfig.profile): one kernel event per node and run, written on dispose", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'profile-'));
    try {
      const runner = new StateRunner({ profile: path.join(dir, 'count') });
      await runner.load('count', counter());
      await runner.setState({ c: new Float32Array([1, 2, 3, 4]) });
      for (let i = 0; i < 2; i++) await runner.run('count', { x: new Float32Array([1, 1, 1, 1]) });
      await runner.dispose();
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^count.*\.json$/);
      const events = JSON.parse(readFileSync(path.join(dir, files[0]), 'utf8')) as Array<{ cat: string; name: string; args?: { op_name?: string } }>;
      expect(events.filter((e) => e.cat === 'Session' && e.name === 'model_run')).toHaveLength(2);
      const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time')).map((e) => e.args?.op_name);
      expect(kernels.sort()).toEqual(['Add', 'Add', 'Mul', 'Mul']);
      expect(sessionOptions({}).enableProfiling).toBeUndefined(); // off unless asked
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs in a worker thread with the same results', async () => {
    const runner = new WorkerRunner();
    await runner.load('count', counter());
    const start = new Float32Array([1, 2, 3, 4]);
    await runner.setState({ c: start });
    expect(Array.from(start)).toEqual([1, 2, 3, 4]); // the caller's array is not detached
    const x = new Float32Array([1, 1, 1, 1]);
    await runner.run('count', { x });
    const out = await runner.run('count', { x });
    expect(nums(out.doubled)).toEqual([6, 8, 10, 12]);
    expect(Array.from(x)).toEqual([1, 1, 1, 1]);
    await runner.dispose();
    await expect(runner.run('count', { x })).rejects.toThrow('disposed');
  });

  it('initializes parameters from a seed, independently per name', () => {
    const g = new Graph();
    g.param('w', [3, 4], { init: { kind: 'normal', std: 0.02 } });
    g.param('b', [4], { init: { kind: 'zeros' } });
    g.param('ln', [4], { init: { kind: 'ones' } });
    const p1 = initParams(g.paramList, 5);
    const p2 = initParams(g.paramList.slice(0, 1), 5);
    const p3 = initParams(g.paramList, 6);
    expect(nums(p1.w)).toEqual(nums(p2.w));
    expect(nums(p1.w)).not.toEqual(nums(p3.w));
    expect(nums(p1.b)).toEqual([0, 0, 0, 0]);
    expect(nums(p1.ln)).toEqual([1, 1, 1, 1]);
    const std = Math.sqrt(nums(p1.w).reduce((s, v) => s + v * v, 0) / 12);
    expect(std).toBeGreaterThan(0.005);
    expect(std).toBeLessThan(0.05);
    expect(g.paramList.map((p) => p.decay)).toEqual([true, false, false]);
  });
});

describe('ONNX encoding', () => {
  it('round-trips int64 (negative, beyond 2^53), float64 and bool constants and float attributes through onnxruntime', async () => {
    const g = new Graph({ dtype: 'float64' });
    const big = g.constant([-1n, 2n ** 62n, -(2n ** 40n), 7n], [4], 'int64');
    const flags = g.constant([1, 0, 1], [3], 'bool');
    const x = g.input('x', 'float64', [3]);
    const picked = g.where(flags, g.add(x, 0.1), x);
    const ln = g.layerNorm(g.reshape(x, [1, 3]), g.constant([1, 2, 3], [3]), g.constant([0, 0, 0], [3]), 0.5);
    const runner = new StateRunner();
    expect(() => g.toModel({ outputs: { x } })).toThrow('output name "x" is already a value');
    await runner.load('m', g.toModel({ outputs: { big, picked, ln, x_out: x } }));
    const out = await runner.run('m', { x: new Float64Array([1, 2, 3]) });
    expect(Array.from(out.big as BigInt64Array)).toEqual([-1n, 2n ** 62n, -(2n ** 40n), 7n]);
    expect(nums(out.picked)).toEqual([1.1, 2, 3.1]);
    expect(nums(out.x_out)).toEqual([1, 2, 3]); // an input as output goes through Identity
    const r = 1 / Math.sqrt(2 / 3 + 0.5);
    expect(nums(out.ln).map((v) => +Number(v).toFixed(6))).toEqual([-r, 0, 3 * r].map((v) => +v.toFixed(6)));
    await runner.dispose();
  });
});
