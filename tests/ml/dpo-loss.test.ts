import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batchShape,
  ByteTokenizer,
  dpoFeeds,
  dpoMetrics,
  dpoPairLoss,
  dpoStepModel,
  grad,
  Graph,
  gptConfig,
  initGPT,
  readRankings,
  Session,
  splitPairs,
  StateRunner,
  type DPOLossOptions,
  type RewardGroup,
} from '../../ml/index';
import { gradCheck, nums, type GradCase } from './helpers';

const i64 = (shape: number[], data: number[]) => ({ shape, dtype: 'int64' as const, data });
// a ranking of 3 (pairs 0>1, 0>2, 1>2, weight 1/6 each), a pair (3>4, weight ½), one padding pair
const pairs = { win: i64([5], [0, 0, 1, 3, 3]), lose: i64([5], [1, 2, 2, 4, 4]), weight: { shape: [5], data: [1 / 6, 1 / 6, 1 / 6, 0.5, 0] } };
const logps = { lp: { shape: [5], min: 0.5, max: 4 }, ref: { shape: [5], min: 0.5, max: 4 } };

const loss =
  (o: DPOLossOptions, margin = false): GradCase['build'] =>
  (g, x) =>
    dpoPairLoss(g, x.lp, x.ref, { win: x.win, lose: x.lose, weight: x.weight, margin: margin ? x.m : undefined }, o);

const CASES: GradCase[] = [
  {
    rule: 'DPO sigmoid',
    name: 'Σ w·(−log σ(β·h)), β = 0.5',
    inputs: { ...logps, ...pairs },
    wrt: ['lp', 'ref'],
    build: loss({ lossType: 'sigmoid', beta: 0.5 }),
  },
  {
    rule: 'DPO sigmoid with margin',
    name: 'Σ w·(−log σ(β·h − m)), β = 2',
    inputs: { ...logps, ...pairs, m: { shape: [5], data: [1, 2, 1, 0.5, 0] } },
    wrt: ['lp', 'ref'],
    build: loss({ lossType: 'sigmoid', beta: 2 }, true),
  },
  { rule: 'IPO', name: 'Σ w·(h − 1/(2β))², β = 0.3', inputs: { ...logps, ...pairs }, wrt: ['lp', 'ref'], build: loss({ lossType: 'ipo', beta: 0.3 }) },
  {
    rule: 'conservative DPO',
    name: 'Σ w·((1−ε)(−log σ(βh)) + ε(−log σ(−βh))), ε = 0.2',
    inputs: { ...logps, ...pairs },
    wrt: ['lp', 'ref'],
    build: loss({ lossType: 'cdpo', beta: 1, labelSmoothing: 0.2 }),
  },
];

describe('DPO loss gradients vs central finite differences (float64)', () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.name}`, async () => {
      const err = await gradCheck(c);
      expect(err).toBeLessThan(1e-6);
    });
  }
});

/** The loss and its gradient with respect to the policy log-probs, in float64. */
async function lossAndGrad(lp: number[], ref: number[], win: number[], lose: number[], weight: number[], o: DPOLossOptions) {
  const g = new Graph({ dtype: 'float64' });
  const x = g.input('lp', 'float64', [lp.length]);
  const r = g.input('ref', 'float64', [ref.length]);
  const P = win.length;
  const l = dpoPairLoss(g, x, r, { win: g.input('win', 'int64', [P]), lose: g.input('lose', 'int64', [P]), weight: g.input('weight', 'float64', [P]) }, o);
  const [dl] = grad(g, l, [x]);
  const s = await Session.create(g.toModel({ outputs: { loss: l, grad: dl } }));
  const out = await s.run({
    lp: Float64Array.from(lp),
    ref: Float64Array.from(ref),
    win: BigInt64Array.from(win, BigInt),
    lose: BigInt64Array.from(lose, BigInt),
    weight: Float64Array.from(weight),
  });
  await s.dispose();
  return { loss: out.loss[0] as number, grad: nums(out.grad) };
}

describe('DPO loss by hand', () => {
  it('two pairs: the loss and its gradient are the formulas worked out by hand', async () => {
    // pair 1: 0 over 1, pair 2: 2 over 3, each half the batch; β = 0.1
    const lp = [-1, -2, -3, -1.5];
    const ref = [-1.5, -1.5, -2, -2];
    // h₁ = (−1 + 1.5) − (−2 + 1.5) = 1, h₂ = (−3 + 2) − (−1.5 + 2) = −1.5; x = β·h = 0.1, −0.15
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const expected = 0.5 * -Math.log(sig(0.1)) + 0.5 * -Math.log(sig(-0.15));
    // ∂/∂lp_w = −½·β·σ(−x), ∂/∂lp_l = +½·β·σ(−x)
    const g1 = 0.5 * 0.1 * sig(-0.1);
    const g2 = 0.5 * 0.1 * sig(0.15);
    const r = await lossAndGrad(lp, ref, [0, 2], [1, 3], [0.5, 0.5], { lossType: 'sigmoid', beta: 0.1 });
    expect(r.loss).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.5 * Math.log(1 + Math.exp(-0.1)) + 0.5 * Math.log(1 + Math.exp(0.15)), 12);
    r.grad.forEach((v, i) => expect(v).toBeCloseTo([-g1, g1, -g2, g2][i], 12));
    // the host-side metrics agree: rewards β·(lp − ref), accuracy ½ (pair 2 is ordered wrongly)
    const groups = [0, 2].map((w) => ({
      prompt: 'p',
      where: 'w',
      seqs: [[1], [2]],
      promptLens: [0, 0],
      pairs: [{ win: 0, lose: 1, margin: 1, tie: false }],
      w,
    }));
    const m = dpoMetrics(
      groups,
      [
        [lp[0], lp[1]],
        [lp[2], lp[3]],
      ],
      [
        [ref[0], ref[1]],
        [ref[2], ref[3]],
      ],
      { lossType: 'sigmoid', beta: 0.1, margin: false },
    );
    expect(m.loss).toBeCloseTo(expected, 12);
    expect(m['rewards/accuracies']).toBe(0.5);
    expect(m['rewards/chosen']).toBeCloseTo((0.1 * 0.5 + 0.1 * -1) / 2, 12);
    expect(m['rewards/rejected']).toBeCloseTo((0.1 * -0.5 + 0.1 * 0.5) / 2, 12);
    expect(m['rewards/margins']).toBeCloseTo((0.1 * 1 + 0.1 * -1.5) / 2, 12);
    expect(m['logps/chosen']).toBe(-2);
  });

  it('a tie with includeTies pulls the two implicit rewards together: zero gradient when they are equal, towards each other otherwise', async () => {
    // a tie is two half-weighted directions (reward-batch.ts)
    const at = (lp: number[]) => lossAndGrad(lp, [0, 0], [0, 1], [1, 0], [0.5, 0.5], { lossType: 'sigmoid', beta: 1 });
    expect((await at([-1, -1])).grad.map(Math.abs)).toEqual([0, 0]);
    const apart = await at([-1, -3]);
    expect(apart.grad[0]).toBeGreaterThan(0); // gradient descent lowers the higher one
    expect(apart.grad[1]).toBeLessThan(0);
  });
});

describe('DPO on whole rankings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dpo-loss-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tok = new ByteTokenizer();
  const cfg = gptConfig('tiny');
  const T = 40;

  /** The step model's loss for `groups` in one batch (a tiny random model; the reference log-probs are fed). */
  async function stepLoss(groups: RewardGroup[], refs: number[][], o: DPOLossOptions) {
    const shape = batchShape(groups, groups.length, T);
    const rt = new StateRunner();
    const model = dpoStepModel(cfg, shape, { ...o, margin: false, weightDecay: 0, maxGradNorm: 0 });
    await rt.load('step', model);
    const params = initGPT(cfg, 3);
    await rt.setState({
      ...params,
      ...Object.fromEntries(
        model.params.flatMap((p) => [
          [`m.${p.name}`, new Float32Array(params[p.name].length)],
          [`v.${p.name}`, new Float32Array(params[p.name].length)],
        ]),
      ),
    });
    const out = await rt.run('step', {
      ...dpoFeeds(groups, refs, shape, { pad: tok.pad, margin: false, mean: o.lossType === 'ipo' }),
      lr: Float32Array.of(0),
      step: Float32Array.of(1),
    });
    await rt.dispose();
    return { loss: out.loss[0] as number, logps: nums(out.logps).slice(0, groups.flatMap((g) => g.seqs).length) };
  }

  it('per-ranking DPO equals the mean of its strict pairs fed separately (sigmoid and IPO), each answer through the model once', async () => {
    const file = path.join(dir, 'r.jsonl');
    writeFileSync(file, JSON.stringify({ prompt: 'Name a colour', responses: ['red', 'a fine blue', 'green!', 'grey'], ranking: 'B > A = D > C' }));
    const [ranking] = readRankings([file], tok, { includeTies: false });
    expect(ranking.pairs.length).toBe(5); // B>A, B>D, B>C, A>C, D>C (A = D gives none)
    const ref = [[-30, -41, -28, -35]];
    for (const o of [
      { lossType: 'sigmoid', beta: 0.05 },
      { lossType: 'ipo', beta: 0.5 },
    ] as DPOLossOptions[]) {
      const whole = await stepLoss([ranking], ref, o);
      expect(whole.logps.length).toBe(4); // four answers, not ten sequences
      const parts = splitPairs([ranking]);
      expect(parts.length).toBe(5);
      let sum = 0;
      for (const part of parts) {
        const refPart = [part.seqs.map((s) => ref[0][ranking.seqs.indexOf(s)])];
        sum += (await stepLoss([part], refPart, o)).loss;
      }
      expect(whole.loss).toBeGreaterThan(0);
      expect(Math.abs(whole.loss - sum / parts.length) / whole.loss).toBeLessThan(1e-6); // float32 graphs
      // and the host-side metrics give the graph's loss
      const host = dpoMetrics([ranking], [whole.logps], ref, { ...o, margin: false });
      expect(Math.abs(host.loss - whole.loss) / whole.loss).toBeLessThan(1e-6);
    }
  });
});
