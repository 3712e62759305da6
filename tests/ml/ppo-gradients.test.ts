import { describe, expect, it } from 'vitest';
import { clippedValueLoss, maskedCrossEntropy, ppoClippedLoss, ppoPtxLoss, Session, tokenLogprobs, valueHead } from '../../ml/index';
import { caseModel, gradCheck, nums, type GradCase } from './helpers';

// The PPO pieces composed from ops that already have gradient rules, checked against central
// finite differences in float64. Ratios and value errors are chosen away from the clip kinks.
const logRatios = (rs: number[]) => rs.map(Math.log);

const CASES: GradCase[] = [
  {
    rule: 'value head',
    name: 'hidden [2,3,4] · w [4,1] + b → values [2,3]',
    inputs: { h: { shape: [2, 3, 4] }, w: { shape: [4, 1] }, b: { shape: [1] } },
    build: (g, { h, w, b }) => valueHead(g, h, { weight: w, bias: b }),
  },
  {
    rule: 'PPO loss, clipping inactive',
    name: 'every ratio inside [0.8, 1.2], advantages of both signs',
    inputs: {
      logp: { shape: [2, 4], data: logRatios([1.1, 0.9, 1.05, 0.85, 1.15, 0.95, 1.0, 1.1]) },
      old: { shape: [2, 4], data: [0, 0, 0, 0, 0, 0, 0, 0] },
      adv: { shape: [2, 4], data: [1.5, -0.7, 0.9, 2.0, -1.1, 0.4, -0.3, 1.2] },
      mask: { shape: [2, 4], data: [0, 1, 1, 1, 1, 1, 1, 0] },
    },
    wrt: ['logp'],
    build: (g, { logp, old, adv, mask }) => ppoClippedLoss(g, logp, old, adv, mask, 0.2),
  },
  {
    rule: 'PPO loss, clipping active',
    name: 'ratios 1.5 (A > 0) and 0.6 (A < 0) clipped, the rest inside',
    inputs: {
      logp: { shape: [2, 4], data: logRatios([1.5, 0.6, 1.05, 1.5, 0.6, 0.95, 1.4, 1.1]) },
      old: { shape: [2, 4], data: [0, 0, 0, 0, 0, 0, 0, 0] },
      adv: { shape: [2, 4], data: [1.5, -0.7, 0.9, 2.0, -1.1, 0.4, -0.3, 1.2] },
      mask: { shape: [2, 4], data: [1, 1, 1, 1, 1, 1, 1, 1] },
    },
    wrt: ['logp'],
    build: (g, { logp, old, adv, mask }) => ppoClippedLoss(g, logp, old, adv, mask, 0.2),
  },
  {
    rule: 'PPO loss through temperature-scaled log-probs',
    name: 'logits [2,3,5] / 0.7 → log π(targets) → clipped surrogate',
    inputs: {
      logits: { shape: [2, 3, 5], min: 0, max: 1 },
      targets: { shape: [2, 3], dtype: 'int64', data: [0, 4, 2, 2, 1, 3] },
      old: { shape: [2, 3], data: [-1.5, -1.7, -1.4, -1.6, -1.5, -1.8] },
      adv: { shape: [2, 3], data: [1.5, -0.7, 0.9, 2.0, -1.1, 0.4] },
      mask: { shape: [2, 3], data: [1, 1, 1, 0, 1, 1] },
    },
    wrt: ['logits'],
    build: (g, { logits, targets, old, adv, mask }) => ppoClippedLoss(g, tokenLogprobs(g, logits, targets, 0.7).picked, old, adv, mask, 0.2),
  },
  {
    rule: 'clipped value loss, clipping inactive',
    name: '|V − V_old| < 0.2 everywhere',
    inputs: {
      v: { shape: [2, 3], data: [0.1, -0.15, 0.05, 0.12, 0.3, -0.4] },
      old: { shape: [2, 3], data: [0, 0, 0, 0, 0.2, -0.3] },
      ret: { shape: [2, 3], data: [1, -1, 0.5, 0.4, -0.2, 0.3] },
      mask: { shape: [2, 3], data: [1, 1, 1, 1, 1, 0] },
    },
    wrt: ['v'],
    build: (g, { v, old, ret, mask }) => clippedValueLoss(g, v, old, ret, mask, 0.2),
  },
  {
    rule: 'clipped value loss, clipping active',
    name: 'the clipped error wins on some positions, the plain one on others',
    inputs: {
      v: { shape: [2, 3], data: [0.5, -0.5, 0.5, 0.1, 0.9, -0.8] },
      old: { shape: [2, 3], data: [0, 0, 0, 0, 0.2, -0.3] },
      ret: { shape: [2, 3], data: [1, -1, 0, 0.4, 1.5, 0.3] },
      mask: { shape: [2, 3], data: [1, 1, 1, 1, 1, 1] },
    },
    wrt: ['v'],
    build: (g, { v, old, ret, mask }) => clippedValueLoss(g, v, old, ret, mask, 0.2),
  },
  {
    rule: 'PPO-ptx mix',
    name: 'clipped surrogate + 27.8 · LM loss on a pretraining batch',
    inputs: {
      logits: { shape: [2, 3, 5], min: 0, max: 1 },
      targets: { shape: [2, 3], dtype: 'int64', data: [0, 4, 2, 2, 1, 3] },
      old: { shape: [2, 3], data: [-1.5, -1.7, -1.4, -1.6, -1.5, -1.8] },
      adv: { shape: [2, 3], data: [1.5, -0.7, 0.9, 2.0, -1.1, 0.4] },
      mask: { shape: [2, 3], data: [1, 1, 1, 0, 1, 1] },
      ptxLogits: { shape: [2, 4, 5], min: 0, max: 1 },
      ptxTargets: { shape: [2, 4], dtype: 'int64', data: [1, 1, 0, 4, 3, 2, 2, 0] },
      ptxMask: { shape: [2, 4], data: [1, 1, 1, 1, 1, 1, 0, 0] },
    },
    wrt: ['logits', 'ptxLogits'],
    build: (g, x) => {
      const policy = ppoClippedLoss(g, tokenLogprobs(g, x.logits, x.targets, 1).picked, x.old, x.adv, x.mask, 0.2);
      return ppoPtxLoss(g, policy, maskedCrossEntropy(g, x.ptxLogits, x.ptxTargets, x.ptxMask), 27.8);
    },
  },
];

describe('PPO losses vs central finite differences (float64)', () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.name}`, async () => {
      const err = await gradCheck(c);
      expect(err).toBeLessThan(1e-6);
    });
  }

  it('clipping really is active: clipped tokens get no gradient, the others do', async () => {
    const c = CASES.find((x) => x.rule === 'PPO loss, clipping active')!;
    const m = caseModel(c);
    const s = await Session.create(m.full);
    const g = nums((await s.run(m.data))['grad.logp']);
    await s.dispose();
    // ratios 1.5 with A > 0 and 0.6 with A < 0 (positions 0, 1, 3, 4) are clipped; 1.4 with A < 0 (position 6) is not
    expect([g[0], g[1], g[3], g[4]]).toEqual([0, 0, 0, 0]);
    for (const i of [2, 5, 6, 7]) expect(Math.abs(g[i])).toBeGreaterThan(1e-3);
  });

  it('value clipping really is active: where the clipped error wins, V gets no gradient', async () => {
    const c = CASES.find((x) => x.rule === 'clipped value loss, clipping active')!;
    const m = caseModel(c);
    const s = await Session.create(m.full);
    const g = nums((await s.run(m.data))['grad.v']);
    await s.dispose();
    // V 0.5 → clipped 0.2, return 1: (0.2 − 1)² > (0.5 − 1)², the clipped term wins (position 0; likewise 1 and 4)
    expect([g[0], g[1], g[4]]).toEqual([0, 0, 0]);
    for (const i of [2, 3, 5]) expect(Math.abs(g[i])).toBeGreaterThan(1e-3);
  });
});
