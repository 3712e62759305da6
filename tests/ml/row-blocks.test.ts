// Chained elementwise gradients run on row blocks above ROW_BLOCK_ELEMENTS (ml/autodiff/rules.ts,
// rowBlocks): the blocked Gelu and LayerNormalization gradients must be the same functions, with
// the same bits at any thread count.
import { describe, expect, it } from 'vitest';
import { grad, Graph, prng, Session, type AnyTypedArray, type FloatDType } from '../../ml/index';
import { ROW_BLOCK_ELEMENTS } from '../../ml/autodiff/rules';
import { bitsEqual } from './helpers';

const K = Math.sqrt(2 / Math.PI);
const C = 0.044715;
/** d/dx of 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
const geluPrime = (x: number): number => {
  const t = Math.tanh(K * (x + C * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * C * x * x);
};

// (rows, cols) with rows·cols just above 2.5 blocks, rows not a multiple of the block's rows
const [ROWS, COLS] = [Math.ceil((2.5 * ROW_BLOCK_ELEMENTS) / 384) + 3, 384];

async function geluGrad(dtype: FloatDType, threads: number, x: number[], w: number[]): Promise<{ dx: AnyTypedArray; slices: number }> {
  const g = new Graph({ dtype });
  const xi = g.input('x', dtype, [ROWS, COLS]);
  const wi = g.input('w', dtype, [ROWS, COLS]);
  const [dx] = grad(g, g.reduceSum(g.mul(g.gelu(xi), wi)), [xi]);
  const model = g.toModel({ outputs: { dx } });
  const arr = (v: number[]): AnyTypedArray => (dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));
  const s = await Session.create(model, { intraOpThreads: threads });
  const out = await s.run({ x: arr(x), w: arr(w) });
  await s.dispose();
  return { dx: out.dx, slices: Object.values(model.nodes).filter((n) => n.opType === 'Slice').length };
}

describe('the Gelu gradient on row blocks', () => {
  const r = prng(9);
  const x = Array.from({ length: ROWS * COLS }, () => 10 * r() - 5);
  const w = x.map(() => r() + 0.5);

  it('float64: every element equals w·gelu′(x) (three blocks of rows)', async () => {
    const { dx, slices } = await geluGrad('float64', 1, x, w);
    expect(slices).toBe(3 * 2); // x and the upstream gradient, per block
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((dx as Float64Array)[i] - w[i] * geluPrime(x[i])));
    expect(worst).toBeLessThan(1e-7); // onnxruntime's float64 Sigmoid/Tanh rounding
  });

  it('float32: the same bits at 1, 2 and 4 threads', async () => {
    const one = (await geluGrad('float32', 1, x, w)).dx as Float32Array;
    for (const threads of [2, 4]) {
      const other = (await geluGrad('float32', threads, x, w)).dx as Float32Array;
      expect(bitsEqual(other, one)).toBe(true);
    }
  });
});

describe('the LayerNormalization gradient on row blocks', () => {
  const [rows, width] = [Math.ceil((2.5 * ROW_BLOCK_ELEMENTS) / 256), 256]; // three blocks
  const r = prng(4);
  const data = (n: number, scale: number, shift = 0) => Array.from({ length: n }, () => shift + scale * (r() - 0.5));
  const feeds = { x: data(rows * width, 4, 1), w: data(width, 1, 1), b: data(width, 1), rw: data(rows * width, 1, 1) };

  async function lnGrads(dtype: FloatDType, threads: number, primitive: boolean): Promise<{ out: Record<string, AnyTypedArray>; slices: number }> {
    const g = new Graph({ dtype });
    const [x, w, b, rw] = [g.input('x', dtype, [rows, width]), g.input('w', dtype, [width]), g.input('b', dtype, [width]), g.input('rw', dtype, [rows, width])];
    const y = primitive ? g.layerNormPrimitive(x, w, b) : g.layerNorm(x, w, b);
    const [dx, dw, db] = grad(g, g.reduceSum(g.mul(y, rw)), [x, w, b]);
    const model = g.toModel({ outputs: { dx, dw, db } });
    const arr = (v: number[]): AnyTypedArray => (dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));
    const s = await Session.create(model, { intraOpThreads: threads });
    const out = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, arr(v)])));
    await s.dispose();
    return { out, slices: Object.values(model.nodes).filter((n) => n.opType === 'Slice').length };
  }

  it('float64: dX, dW and dB equal the gradient of the same normalization from primitives', async () => {
    const blocked = await lnGrads('float64', 1, false);
    expect(blocked.slices).toBe(3 * 4); // x, dY, mean and 1/σ per block
    const ref = (await lnGrads('float64', 1, true)).out;
    for (const k of ['dx', 'dw', 'db']) {
      const a = blocked.out[k] as Float64Array;
      const e = ref[k] as Float64Array;
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i])));
      expect(worst, k).toBeLessThan(1e-9);
    }
  });

  it('float32: the same bits at 1, 2 and 4 threads', async () => {
    const one = (await lnGrads('float32', 1, false)).out;
    for (const threads of [2, 4]) {
      const other = (await lnGrads('float32', threads, false)).out;
      for (const k of ['dx', 'dw', 'db']) expect(bitsEqual(other[k], one[k]), k).toBe(true);
    }
  });
});
