import { describe, expect, it } from 'vitest';
import { grad, Graph, lmLossGraph, maskedCrossEntropy, pairwiseRewardLoss, ppoClippedLoss, tokenLogprobs, type GPTConfig } from '../../ml/index';
import { gradCheck, type GradCase } from './helpers';

// The loss heads of the decoder, reward-model and PPO issues, in miniature, float64.
const CASES: GradCase[] = [
  {
    rule: 'masked token cross-entropy',
    name: 'logits [2,3,5], two positions masked out',
    inputs: {
      logits: { shape: [2, 3, 5], min: 0, max: 2 },
      targets: { shape: [2, 3], dtype: 'int64', data: [0, 4, 4, 2, 1, 3] },
      mask: { shape: [2, 3], data: [1, 1, 0, 1, 0, 1] },
    },
    wrt: ['logits'],
    build: (g, { logits, targets, mask }) => maskedCrossEntropy(g, logits, targets, mask),
  },
  {
    rule: 'pairwise reward loss',
    name: '−log σ(r_c − r_r), 6 pairs, margins of both signs',
    inputs: { rc: { shape: [6], min: 0, max: 3 }, rr: { shape: [6], min: 0, max: 3 } },
    build: (g, { rc, rr }) => pairwiseRewardLoss(g, rc, rr),
  },
  {
    rule: 'clipped PPO surrogate',
    name: 'ratios inside and outside [0.8, 1.2], advantages of both signs',
    inputs: {
      logp: { shape: [2, 4], data: [-0.5, 0.05, 0.4, -0.1, 0.3, 0.0, -0.35, 0.12] },
      old: { shape: [2, 4], data: [0, 0, 0, 0, 0, 0, 0, 0] },
      adv: { shape: [2, 4], data: [1.5, -0.7, 0.9, 2.0, -1.1, 0.4, -0.3, 1.2] },
      mask: { shape: [2, 4], data: [1, 1, 1, 1, 1, 1, 1, 0] },
    },
    wrt: ['logp'],
    build: (g, { logp, old, adv, mask }) => ppoClippedLoss(g, logp, old, adv, mask, 0.2),
  },
];

describe('loss heads of the later issues, gradient-checked in float64', () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.name}`, async () => {
      const err = await gradCheck(c);
      console.log(`${c.rule}: max relative error ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-6);
    });
  }
});

describe('the LM loss head', () => {
  it('passes over the (N, V) logits in LogSoftmax, Exp and one scatter only: the token weights go onto the (N, C) side', () => {
    const c: GPTConfig = { vocabSize: 1200, nCtx: 16, nEmbd: 16, nLayer: 1, nHead: 2, layerNormEpsilon: 1e-5 }; // above 1,024 rows: wte's gradient is a scatter, not a one-hot product
    const m = lmLossGraph(c, 3, 8);
    const grads = grad(m.graph, m.loss, m.graph.params);
    const wide = m.graph
      .liveNodes(grads)
      .filter((n) => n.outputs[0].size === 3 * 8 * 1200 && !['Reshape', 'Identity'].includes(n.opType))
      .map((n) => n.opType);
    expect(wide.sort()).toEqual(['Exp', 'Gemm', 'LogSoftmax', 'ScatterElements']); // Gemm: the forward's logits
  });

  it("at a temperature (PPO's log-probabilities of logits / T), the gradient's 1/T joins the token weights", () => {
    const g = new Graph();
    const [N, C, V] = [24, 16, 1200];
    const x = g.input('x', 'float32', [N, C]);
    const w = g.input('w', 'float32', [V, C]);
    const t = g.input('t', 'int64', [N]);
    const logits = g.reshape(g.gemm(x, w, undefined, { transB: true }), [3, 8, V]);
    const lp = tokenLogprobs(g, logits, g.reshape(t, [3, 8]), 0.7);
    const grads = grad(g, g.reduceSum(lp.picked), [x, w]);
    const wide = g
      .liveNodes(grads)
      .filter((n) => n.outputs[0].size === N * V && !['Reshape', 'Identity'].includes(n.opType))
      .map((n) => n.opType);
    expect(wide.sort()).toEqual(['Exp', 'Gemm', 'LogSoftmax', 'Mul', 'ScatterElements']); // Mul: the forward's logits / T
  });
});
