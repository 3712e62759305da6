// The LayerNormalization gradient reuses the kernel's saved statistics in float32 graphs
// (float64 graphs recompute them and are checked against finite differences in gradients.test.ts).
import { describe, expect, it } from 'vitest';
import { grad, Graph, prng, Session } from '../../../ml/index';

describe('LayerNormalization gradient from saved statistics (float32)', () => {
  it('matches the gradient of the primitive composition', async () => {
    const r = prng(3);
    const shape = [3, 5, 16];
    const n = 3 * 5 * 16;
    const data = {
      x: Float32Array.from({ length: n }, () => 4 * r() - 2),
      w: Float32Array.from({ length: 16 }, () => r() + 0.5),
      b: Float32Array.from({ length: 16 }, () => r() - 0.5),
      rw: Float32Array.from({ length: n }, () => r()),
    };
    const run = async (fused: boolean) => {
      const g = new Graph();
      const x = g.input('x', 'float32', shape);
      const w = g.input('w', 'float32', [16]);
      const b = g.input('b', 'float32', [16]);
      const rw = g.input('rw', 'float32', shape);
      const y = fused ? g.layerNorm(x, w, b) : g.layerNormPrimitive(x, w, b);
      if (fused) expect(y.producer!.outputs).toHaveLength(3);
      const loss = g.reduceSum(g.mul(y, rw));
      const [dx, dw, db] = grad(g, loss, [x, w, b]);
      const s = await Session.create(g.toModel({ outputs: { dx, dw, db } }));
      const out = await s.run(data);
      await s.dispose();
      return out;
    };
    const a = await run(true);
    const p = await run(false);
    for (const k of ['dx', 'dw', 'db']) {
      const u = a[k] as Float32Array;
      const v = p[k] as Float32Array;
      let d = 0;
      for (let i = 0; i < u.length; i++) d = Math.max(d, Math.abs(u[i] - v[i]) / Math.max(1, Math.abs(v[i])));
      expect(d).toBeLessThan(1e-5);
    }
  });
});
