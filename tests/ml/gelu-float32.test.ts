// The Gelu gradient reuses the kernel's output Y = X·s in float32 graphs (float64 graphs
// recompute it and are checked against finite differences in gradients.test.ts).
import { describe, expect, it } from 'vitest';
import { grad, Graph, prng, Session, type AnyTypedArray } from '../../ml/index';

async function geluGrad(dtype: 'float32' | 'float64', x: number[], rw: number[]): Promise<{ dx: number[]; muls: number }> {
  const g = new Graph({ dtype });
  const xi = g.input('x', dtype, [x.length]);
  const r = g.input('rw', dtype, [x.length]);
  const [dx] = grad(g, g.reduceSum(g.mul(g.gelu(xi), r)), [xi]);
  const model = g.toModel({ outputs: { dx } });
  const arr = (v: number[]): AnyTypedArray => (dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));
  const s = await Session.create(model);
  const out = await s.run({ x: arr(x), rw: arr(rw) });
  await s.dispose();
  return { dx: Array.from(out.dx as ArrayLike<number>), muls: Object.values(model.nodes).filter((n) => n.opType === 'Mul').length };
}

describe('Gelu gradient from the forward output (float32)', () => {
  it('matches the float64 gradient to float32 precision, with one Mul fewer', async () => {
    const r = prng(5);
    const x = Array.from({ length: 4096 }, () => 12 * r() - 6);
    x.push(0, -0, 1e-30, -8, 8);
    const rw = x.map(() => r() + 0.5);
    const a = await geluGrad('float32', x, rw);
    const b = await geluGrad('float64', x.map(Math.fround), rw.map(Math.fround));
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(a.dx[i] - b.dx[i]) / Math.max(1, Math.abs(b.dx[i])));
    expect(worst).toBeLessThan(1e-5); // recomputing X·s in float32 gives 4e-6 as well
    expect(a.muls).toBe(b.muls - 1); // the forward's Y instead of X·s
  });
});
