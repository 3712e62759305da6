// A gradient product with a large transposed left operand is taken the other way round and
// transposed back (ml/autodiff/gemm-product.ts): the same matrix, at any thread count, and the
// lm head's gradient takes that path at GPT-2's vocabulary.
import { describe, expect, it } from 'vitest';
import { grad, Graph, prng, Session, type AnyTypedArray, type FloatDType } from '../../ml/index';
import { gemmProduct, SWAP_LEFT_BYTES, SWAP_RIGHT_MAX_BYTES } from '../../ml/autodiff/gemm-product';
import { bitsEqual } from './helpers';

/** The plain Gemm and gemmProduct forced to swap, on the same operands. */
async function both(dtype: FloatDType, o: { transA?: boolean; transB?: boolean; alpha?: number }, threads = 1) {
  const [m, k, n] = [37, 23, 12];
  const g = new Graph({ dtype });
  const a = g.input('a', dtype, o.transA ? [k, m] : [m, k]);
  const b = g.input('b', dtype, o.transB ? [n, k] : [k, n]);
  const plain = g.gemm(a, b, undefined, o);
  const swapped = gemmProduct(g, a, b, { ...o, transA: true }, { left: 0, right: Infinity });
  const model = g.toModel({ outputs: { plain, swapped } });
  const r = prng(3);
  const fill = (size: number): AnyTypedArray => {
    const values = Array.from({ length: size }, () => r() - 0.5);
    return dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  };
  const s = await Session.create(model, { intraOpThreads: threads });
  const out = await s.run({ a: fill(m * k), b: fill(k * n) });
  await s.dispose();
  return { plain: out.plain, swapped: out.swapped, transposes: Object.values(model.nodes).filter((x) => x.opType === 'Transpose').length };
}

describe('gemmProduct', () => {
  it('swapped, it is the same product (float64, both layouts of B, with α)', async () => {
    for (const transB of [false, true]) {
      const out = await both('float64', { transA: true, transB, alpha: 0.75 });
      expect(out.transposes).toBe(1);
      const [p, q] = [out.plain as Float64Array, out.swapped as Float64Array];
      expect(q.length).toBe(p.length);
      let worst = 0;
      for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - q[i]));
      expect(worst).toBeLessThan(1e-14);
    }
  });

  it('float32: the swapped product has the same bits at 1, 2 and 4 threads', async () => {
    const one = (await both('float32', { transA: true }, 1)).swapped;
    for (const threads of [2, 4]) expect(bitsEqual((await both('float32', { transA: true }, threads)).swapped, one)).toBe(true);
  });

  it('a symbolic operand (an exported model) is never swapped', () => {
    const g = new Graph({ dtype: 'float32' });
    const a = g.input('a', 'float32', ['rows', 16]);
    const b = g.input('b', 'float32', ['rows', 4]);
    const y = gemmProduct(g, a, b, { transA: true }, { left: 0, right: Infinity });
    expect(g.liveNodes([y]).map((n) => n.opType)).toEqual(['Gemm']);
  });

  it("the lm head's weight gradient dYᵀ·X swaps when dY is large, and equals Σ dY·X computed here", async () => {
    const [N, V, C] = [48, Math.ceil(SWAP_LEFT_BYTES / 4 / 48) + 101, 8]; // dY just above the limit, X far below the other
    expect(N * C * 4).toBeLessThan(SWAP_RIGHT_MAX_BYTES);
    const g = new Graph({ dtype: 'float32' });
    const x = g.input('x', 'float32', [N, C]);
    const w = g.param('w', [V, C]);
    const r = g.input('r', 'float32', [N, V]);
    const logits = g.gemm(x, w, undefined, { transB: true }); // (N, V)
    const [dw] = grad(g, g.reduceSum(g.mul(logits, r)), [w]); // dY = r
    const nodes = g.liveNodes([dw]);
    const gemms = nodes.filter((n) => n.opType === 'Gemm');
    expect(gemms.filter((n) => n.attrs.transA === 1 && n.inputs[0].size === N * V)).toHaveLength(0); // dY is never the transposed left operand
    expect(gemms.some((n) => n.inputs[1].size === N * V)).toBe(true); // it is the right one
    expect(nodes.some((n) => n.opType === 'Transpose')).toBe(true);
    const model = g.toModel({ outputs: { dw } });

    const rand = prng(5);
    const X = Float32Array.from({ length: N * C }, () => rand() - 0.5);
    const R = Float32Array.from({ length: N * V }, () => rand() - 0.5);
    const s = await Session.create(model, { intraOpThreads: 2 });
    const out = (await s.run({ x: X, w: new Float32Array(V * C), r: R })).dw as Float32Array;
    await s.dispose();
    let worst = 0;
    for (let v = 0; v < V; v += 97) {
      for (let c = 0; c < C; c++) {
        let sum = 0;
        for (let i = 0; i < N; i++) sum += R[i * V + v] * X[i * C + c];
        worst = Math.max(worst, Math.abs(out[v * C + c] - sum));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });
});
