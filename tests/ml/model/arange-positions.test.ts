// positions 'arange' (the LM loss graph): wpe's first T rows broadcast over the batch instead of a
// position_ids input and a gather, so wpe's gradient is a sum over the batch, not a scatter-add.
// Same loss and gradients as gathering wpe at 0 … T−1 in every row.

import { describe, expect, it } from 'vitest';
import { buildGPT, grad, Graph, initParams, lmLossGraph, prng, Session, type AnyTypedArray, type FloatDType, type GPTConfig } from '../../../ml/index';
import { rewardLossGraph, sequenceLogps } from '../../../ml/rlhf/index';

const c: GPTConfig = { vocabSize: 40, nCtx: 12, nEmbd: 16, nLayer: 1, nHead: 2, layerNormEpsilon: 1e-5 };
const B = 3;

/** Loss Σ logits·R and its gradients for every parameter, with the given positions. */
async function lossAndGrads(dtype: FloatDType, T: number, positions: 'input' | 'arange'): Promise<Record<string, AnyTypedArray>> {
  const g = new Graph({ dtype });
  const m = buildGPT(g, c, { batch: B, seq: T, positions });
  const rand = prng(3);
  const r = g.constant(
    Array.from({ length: m.logits.size }, () => rand() - 0.5),
    m.logits.sizes,
  );
  const loss = g.reduceSum(g.mul(m.logits, r));
  const grads = grad(g, loss, g.params);
  const model = g.toModel({ outputs: { loss, ...Object.fromEntries(g.params.map((p, i) => [`grad.${p.name}`, grads[i]])) } });
  const params = initParams(model.params, 5);
  for (const t of Object.values(params)) for (let i = 0; i < t.length; i++) t[i] += 0.05 * (rand() - 0.5); // zero biases hide nothing
  const ids = BigInt64Array.from({ length: B * T }, (_, i) => BigInt((i * 7 + 3) % c.vocabSize));
  const feeds: Record<string, AnyTypedArray> = { ...params, input_ids: ids };
  if (positions === 'input') feeds.position_ids = BigInt64Array.from({ length: B * T }, (_, i) => BigInt(i % T));
  const s = await Session.create(model);
  try {
    return await s.run(feeds);
  } finally {
    await s.dispose();
  }
}

const relDiff = (a: AnyTypedArray, b: AnyTypedArray): number => {
  const x = a as ArrayLike<number>;
  const y = b as ArrayLike<number>;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num = Math.max(num, Math.abs(x[i] - y[i]));
    den = Math.max(den, Math.abs(y[i]));
  }
  return num / den;
};

describe("GPT positions 'arange'", () => {
  it('declares no position_ids input and scatters nothing into wpe (lmLossGraph uses it)', () => {
    const lm = lmLossGraph(c, B, 8);
    expect(lm.graph.inputs.map((v) => v.name).sort()).toEqual(['input_ids', 'loss_mask', 'targets']);
    const wpe = lm.graph.params.find((p) => p.name === 'wpe.weight')!;
    const dwpe = grad(lm.graph, lm.loss, [wpe])[0];
    const nodes = lm.graph.liveNodes([dwpe]);
    const scatters = nodes.filter((n) => n.opType === 'ScatterElements').map((n) => n.outputs[0].sizes);
    expect(scatters).toEqual([[B, 8, c.vocabSize]]); // the loss's own gradient (softmax − onehot) only
    expect(nodes.map((n) => n.opType)).toContain('Pad'); // T = 8 < nCtx = 12: rows 8 … 11 get zeros
  });

  it('is what the reward-model and DPO graphs use (right-padded rows): no position_ids, no scatter into wpe', () => {
    const T = 8;
    const reward = rewardLossGraph(c, { groups: 2, N: 4, P: 2, T }, { margin: false, centerCoef: 0 });
    const dpo = sequenceLogps('dpo_logps', c, 4, T);
    const cases = [
      { g: reward.graph, loss: reward.loss, inputs: ['input_ids', 'last_index', 'pair_lose', 'pair_weight', 'pair_win'] },
      { g: dpo.g, loss: dpo.g.reduceSum(dpo.logps), inputs: ['input_ids', 'targets', 'token_weight'] },
    ];
    for (const { g, loss, inputs } of cases) {
      expect(g.inputs.map((v) => v.name).sort()).toEqual(inputs);
      const wpe = g.params.find((p) => p.name === 'wpe.weight')!;
      const nodes = g.liveNodes([grad(g, loss, [wpe])[0]]);
      expect(nodes.filter((n) => n.opType === 'ScatterElements' && n.outputs[0].sizes.join() === wpe.sizes.join())).toEqual([]);
    }
  });

  for (const T of [8, 12]) {
    it(`gives the loss and gradients of gathering wpe at 0 … T−1 (float64, T = ${T} of nCtx 12)`, async () => {
      const gathered = await lossAndGrads('float64', T, 'input');
      const sliced = await lossAndGrads('float64', T, 'arange');
      expect(Object.keys(sliced).sort()).toEqual(Object.keys(gathered).sort());
      for (const k of Object.keys(gathered)) expect(relDiff(sliced[k], gathered[k]), k).toBeLessThan(1e-12);
      const dwpe = sliced['grad.wpe.weight'] as Float64Array;
      expect(dwpe.subarray(T * c.nEmbd).every((v) => v === 0)).toBe(true);
      expect(dwpe.subarray(0, T * c.nEmbd).some((v) => v !== 0)).toBe(true);
    });
  }

  it('matches in float32 too (the fused kernels)', async () => {
    const gathered = await lossAndGrads('float32', 8, 'input');
    const sliced = await lossAndGrads('float32', 8, 'arange');
    for (const k of Object.keys(gathered)) expect(relDiff(sliced[k], gathered[k]), k).toBeLessThan(1e-5);
  });
});
