import { describe, expect, it } from 'vitest';
import { Graph, grad, initParams, maskedCrossEntropy, Session, type AnyTypedArray, type FloatDType } from '../../ml/index';
import { GRAD_CASES } from './grad-cases';
import { caseModel } from './helpers';

/** max |a − b| / max(|b|, 1) */
function maxRel(a: AnyTypedArray, b: AnyTypedArray): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - Number(b[i])) / Math.max(Math.abs(Number(b[i])), 1));
  return worst;
}

async function runModel(model: Parameters<typeof Session.create>[0], feeds: Record<string, AnyTypedArray>) {
  const s = await Session.create(model);
  const out = await s.run(feeds);
  await s.dispose();
  return out;
}

describe('float32 and float64 builds agree', () => {
  it('every gradient case: forward and gradients in float32 match float64 to float32 precision', async () => {
    const bad: string[] = [];
    for (const c of GRAD_CASES) {
      const m64 = caseModel(c, 'float64');
      const m32 = caseModel(c, 'float32');
      const out64 = await runModel(m64.full, m64.data);
      const out32 = await runModel(m32.full, m32.data);
      for (const name of Object.keys(out64)) {
        const err = maxRel(out32[name], out64[name]);
        if (!(err < 1e-5)) bad.push(`${c.rule} (${c.name}) ${name}: ${err}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('a small attention block with a masked cross-entropy loss', async () => {
    const [B, T, C, V] = [2, 4, 8, 5];
    const build = (dtype: FloatDType) => {
      const g = new Graph({ dtype });
      const x = g.input('x', dtype, [B, T, C]);
      const targets = g.input('targets', 'int64', [B, T]);
      const mask = g.input('mask', dtype, [B, T]);
      const h = g.layerNorm(x, g.param('ln.w', [C], { init: { kind: 'ones' } }), g.param('ln.b', [C], { init: { kind: 'zeros' } }));
      const q = g.linear(h, g.param('q', [C, C], { init: { kind: 'normal', std: 0.3 } })); // (B, T, C)
      const k = g.linear(h, g.param('k', [C, C], { init: { kind: 'normal', std: 0.3 } })); // (B, T, C)
      const att = g.div(g.matmul(q, g.mT(k)), Math.sqrt(C)); // (B, T, T)
      const masked = g.where(g.causalMask(T), att, -1e9);
      const y = g.matmul(g.softmax(masked, -1), h); // (B, T, C)
      const logits = g.linear(g.gelu(y), g.param('head', [C, V], { init: { kind: 'normal', std: 0.3 } })); // (B, T, V)
      const loss = maskedCrossEntropy(g, logits, targets, mask);
      const grads = grad(g, loss, g.params);
      const outputs: Record<string, (typeof grads)[number]> = { loss };
      g.params.forEach((p, i) => (outputs[`grad.${p.name}`] = grads[i]));
      return g.toModel({ outputs });
    };
    const m64 = build('float64');
    const m32 = build('float32');
    const p64 = initParams(m64.params, 3);
    const p32 = Object.fromEntries(Object.entries(p64).map(([k, v]) => [k, Float32Array.from(v)]));
    const x = Float64Array.from({ length: B * T * C }, (_, i) => Math.sin(i));
    const common = { targets: BigInt64Array.from({ length: B * T }, (_, i) => BigInt(i % V)) };
    const mask = [1, 1, 1, 0, 1, 1, 0, 1];
    const out64 = await runModel(m64, { ...p64, ...common, x, mask: Float64Array.from(mask) });
    const out32 = await runModel(m32, { ...p32, ...common, x: Float32Array.from(x), mask: Float32Array.from(mask) });
    for (const name of Object.keys(out64)) expect(maxRel(out32[name], out64[name]), name).toBeLessThan(1e-5);
  });
});
