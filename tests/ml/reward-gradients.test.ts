import { describe, expect, it } from 'vitest';
import { rewardHead, rewardPairLoss } from '../../ml/index';
import { gradCheck, type GradCase } from './helpers';

// The reward head and the pairwise loss, composed of existing ops, against float64 central
// finite differences. N = 4 sequences of T = 3 positions, C = 5; pairs index the rewards with
// repeats (one sequence in several comparisons, as in a ranking), weights as the batcher sets them.
const i64 = (shape: number[], data: number[]) => ({ shape, dtype: 'int64' as const, data });
const head = { hidden: { shape: [4, 3, 5] }, w: { shape: [5, 1] }, b: { shape: [1] }, last: i64([4], [2, 0, 1, 2]) };
const pairs = { win: i64([5], [0, 0, 1, 2, 3]), lose: i64([5], [1, 2, 2, 3, 3]), weight: { shape: [5], data: [1 / 6, 1 / 6, 1 / 6, 0.5, 0] } };

const CASES: GradCase[] = [
  {
    rule: 'reward head',
    name: 'r = h[last] · w + b, hidden [4,3,5]',
    inputs: head,
    wrt: ['hidden', 'w', 'b'],
    build: (g, x) => rewardHead(g, x.hidden, x.last, { weight: x.w, bias: x.b }),
  },
  {
    rule: 'reward head + pairwise loss',
    name: 'Σ w·(−log σ(r_w − r_l)), a ranking of 3 and a pair, one padding pair',
    inputs: { ...head, ...pairs },
    wrt: ['hidden', 'w', 'b'],
    build: (g, x) => rewardPairLoss(g, rewardHead(g, x.hidden, x.last, { weight: x.w, bias: x.b }), { win: x.win, lose: x.lose, weight: x.weight }),
  },
  {
    rule: 'pairwise loss with margin and centring',
    name: '−log σ(r_w − r_l − m) + 0.3·Σ sw·r², rewards of both signs',
    inputs: { r: { shape: [4], min: 0, max: 3 }, ...pairs, m: { shape: [5], data: [1, 2, 1, 0, 0] }, sw: { shape: [4], data: [0.25, 0.25, 0.25, 0.25] } },
    wrt: ['r'],
    build: (g, x) => rewardPairLoss(g, x.r, { win: x.win, lose: x.lose, weight: x.weight, margin: x.m, seqWeight: x.sw, centerCoef: 0.3 }),
  },
];

describe('reward model gradients vs central finite differences (float64)', () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.name}`, async () => {
      const err = await gradCheck(c);
      console.log(`${c.rule}: max relative error ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-6);
    });
  }
});
