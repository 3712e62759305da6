import { describe, expect, it } from 'vitest';
import {
  getLr,
  Graph,
  gradientModel,
  initAdamWState,
  initParams,
  linearWarmup,
  optimizerModel,
  StateRunner,
  stepFeeds,
  trainStepModel,
  type Feeds,
  type Value,
} from '../../ml/index';
import { FLAT_MAX_ELEMENTS } from '../../ml/optim/adamw';
import { refAdamWStep, type RefAdamW } from './adamw-reference';

const OPT: RefAdamW = { lr: 0.05, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 0.5 };

/** A small float64 regression graph with a decayed weight and an undecayed bias. */
function buildGraph(): { g: Graph; loss: Value } {
  const g = new Graph({ dtype: 'float64' });
  const x = g.input('x', 'float64', [4, 3]);
  const y = g.input('y', 'float64', [4, 2]);
  const w = g.param('w', [3, 2], { init: { kind: 'normal', std: 0.5 } });
  const b = g.param('b', [2], { init: { kind: 'uniform', low: -0.5, high: 0.5 } });
  const err = g.sub(g.linear(x, w, b), y);
  return { g, loss: g.reduceMean(g.mul(err, err)) };
}

const batch = (k: number): Feeds => ({
  x: Float64Array.from({ length: 12 }, (_, i) => Math.sin(i * 1.3 + k)),
  y: Float64Array.from({ length: 8 }, (_, i) => Math.cos(i * 0.7 + 2 * k)),
});

const lrAt = (k: number) => (OPT.lr * (1 + k)) / 3;

/** Runs the reference on gradients from a gradient-only model. */
async function reference(steps: number): Promise<Record<string, Float64Array>> {
  const { g, loss } = buildGraph();
  const grads = new StateRunner();
  await grads.load('grad', gradientModel(g, { loss }));
  const params = initParams(g.paramList, 7) as Record<string, Float64Array>;
  const m = { w: new Float64Array(6), b: new Float64Array(2) };
  const v = { w: new Float64Array(6), b: new Float64Array(2) };
  for (let k = 0; k < steps; k++) {
    await grads.setState({ ...params, 'acc.w': new Float64Array(6), 'acc.b': new Float64Array(2) });
    await grads.run('grad', batch(k));
    const acc = await grads.getState(['acc.w', 'acc.b']);
    const gr = { w: acc['acc.w'] as Float64Array, b: acc['acc.b'] as Float64Array };
    refAdamWStep(params, gr, m, v, { w: true, b: false }, k + 1, { ...OPT, lr: lrAt(k) });
  }
  await grads.dispose();
  return params;
}

describe('in-graph AdamW', () => {
  it('one-run training steps match a plain TypeScript AdamW (clipping, decay mask, lr schedule)', async () => {
    const { g, loss } = buildGraph();
    const model = trainStepModel(g, { loss }, OPT);
    expect(model.params.map((p) => [p.name, p.decay])).toEqual([
      ['w', true],
      ['b', false],
    ]);
    const runner = new StateRunner();
    await runner.load('step', model);
    await runner.setState({ ...initParams(model.params, 7), ...initAdamWState(model.params) });
    for (let k = 0; k < 5; k++) {
      const out = await runner.run('step', { ...batch(k), lr: new Float64Array([lrAt(k)]), step: new Float64Array([k + 1]) });
      expect(Object.keys(out).sort()).toEqual(['grad_norm', 'loss']);
    }
    const got = await runner.getState(['w', 'b']);
    const want = await reference(5);
    for (const name of ['w', 'b']) {
      const diff = Math.max(...Array.from(got[name] as Float64Array, (x, i) => Math.abs(x - want[name][i])));
      expect(diff).toBeLessThan(1e-12);
    }
    await runner.dispose();
  });

  it('a model of several optimizer steps per run equals as many one-step runs (per-step batches, lr and losses)', async () => {
    const { g, loss } = buildGraph();
    const model = trainStepModel(g, { loss }, OPT, 3);
    expect(
      model.inputs
        .map((i) => i.name)
        .filter((n) => /^(x|lr|step)(@\d)?$/.test(n))
        .sort(),
    ).toEqual(['lr', 'lr@1', 'lr@2', 'step', 'step@1', 'step@2', 'x', 'x@1', 'x@2']);
    // every step's copy of the update keeps its scope (bench:ml-profile sums the adamw.* nodes)
    const adamwNodes = (m: { nodes: Record<string, unknown> }) => Object.keys(m.nodes).filter((n) => n.startsWith('adamw.')).length;
    const plain = buildGraph();
    const oneStep = trainStepModel(plain.g, { loss: plain.loss }, OPT);
    expect(adamwNodes(oneStep)).toBeGreaterThan(10);
    expect(adamwNodes(model)).toBe(3 * adamwNodes(oneStep));
    const one = buildGraph();
    const runners = { many: new StateRunner(), one: new StateRunner() };
    await runners.many.load('steps', model);
    await runners.one.load('step', trainStepModel(one.g, { loss: one.loss }, OPT));
    for (const r of Object.values(runners)) await r.setState({ ...initParams(model.params, 7), ...initAdamWState(model.params) });
    const sched = (j: number) => ({ lr: new Float64Array([lrAt(j)]), step: new Float64Array([j + 1]) });
    const losses = { many: [] as number[], one: [] as number[] };
    for (let run = 0; run < 2; run++) {
      const feeds = [0, 1, 2].map((k) => ({ ...batch(3 * run + k), ...sched(3 * run + k) }));
      for (const f of feeds) losses.one.push((await runners.one.run('step', f)).loss[0] as number);
      const out = await runners.many.run('steps', stepFeeds(feeds));
      expect(Object.keys(out).sort()).toEqual(['grad_norm', 'grad_norm@1', 'grad_norm@2', 'loss', 'loss@1', 'loss@2']);
      losses.many.push(...['loss', 'loss@1', 'loss@2'].map((n) => out[n][0] as number));
    }
    for (let j = 0; j < 6; j++) expect(losses.many[j]).toBeCloseTo(losses.one[j], 12);
    expect(new Set(losses.many).size).toBe(6); // each step saw its own batch and weights
    // six steps in two runs, against six steps of the plain TypeScript AdamW
    const got = await runners.many.getState(['w', 'b']);
    const want = await reference(6);
    for (const name of ['w', 'b']) {
      const diff = Math.max(...Array.from(got[name] as Float64Array, (x, i) => Math.abs(x - want[name][i])));
      expect(diff).toBeLessThan(1e-12);
    }
    for (const r of Object.values(runners)) await r.dispose();
  });

  it('gradient accumulation over micro-batches then one optimizer run equals one step on the summed gradient', async () => {
    const { g, loss } = buildGraph();
    const specs = g.paramList;
    const runner = new StateRunner();
    await runner.load('grad', gradientModel(g, { loss }));
    await runner.load('adamw', optimizerModel(specs, { ...OPT, gradScale: 0.5 }));
    const zeros = { 'acc.w': new Float64Array(6), 'acc.b': new Float64Array(2) };
    await runner.setState({ ...initParams(specs, 7), ...initAdamWState(specs), ...zeros });
    await runner.run('grad', batch(0));
    await runner.run('grad', batch(1));
    const summed = await runner.getState(['acc.w', 'acc.b']);
    const before = await runner.getState(['w', 'b']);
    await runner.run('adamw', { lr: new Float64Array([OPT.lr]), step: new Float64Array([1]) });
    const after = await runner.getState(['w', 'b', 'acc.w']);
    expect(Array.from(after['acc.w'] as Float64Array)).toEqual([0, 0, 0, 0, 0, 0]); // accumulators reset

    const params = { w: before.w as Float64Array, b: before.b as Float64Array };
    const grads = { w: (summed['acc.w'] as Float64Array).map((x) => x * 0.5), b: (summed['acc.b'] as Float64Array).map((x) => x * 0.5) };
    refAdamWStep(
      params,
      grads,
      { w: new Float64Array(6), b: new Float64Array(2) },
      { w: new Float64Array(6), b: new Float64Array(2) },
      { w: true, b: false },
      1,
      OPT,
    );
    for (const name of ['w', 'b'] as const) {
      const diff = Math.max(...Array.from(after[name] as Float64Array, (x, i) => Math.abs(x - params[name][i])));
      expect(diff).toBeLessThan(1e-12);
    }
    await runner.dispose();
  });

  it('updates small tensors as flat groups (per dtype and decay) and big ones alone, with the same result as per-tensor AdamW', async () => {
    // two decayed small weights, two undecayed small vectors (one rank 2), and one weight above the flat threshold
    const big = FLAT_MAX_ELEMENTS + 2;
    const specs: Array<[string, number[], boolean]> = [
      ['w1', [3, 2], true],
      ['w2', [2, 2], true],
      ['b1', [2], false],
      ['s', [1, 2], false],
      ['wb', [2, big], true],
    ];
    const build = () => {
      const g = new Graph({ dtype: 'float64' });
      const x = g.input('x', 'float64', [4, 3]);
      const p = Object.fromEntries(specs.map(([n, shape, decay]) => [n, g.param(n, shape, { decay, init: { kind: 'normal', std: 0.5 } })]));
      const h = g.tanh(g.add(g.mul(g.matmul(g.tanh(g.linear(x, p.w1, p.b1)), p.w2), p.s), 0.1)); // (4, 2)
      return { g, loss: g.add(g.reduceMean(g.mul(h, h)), g.reduceMean(g.mul(g.matmul(h, p.wb), 0.01))) };
    };
    const { g, loss } = build();
    const model = trainStepModel(g, { loss }, OPT);
    const count = (op: string) => Object.values(model.nodes).filter((n) => n.opType === op).length;
    expect([count('Concat'), count('Split')]).toEqual([8, 6]); // two flat groups: p, grad, m, v in; p, m, v out

    const grads = new StateRunner();
    const ref0 = build();
    await grads.load('grad', gradientModel(ref0.g, { loss: ref0.loss }));
    const runner = new StateRunner();
    await runner.load('step', model);
    const init = initParams(model.params, 3) as Record<string, Float64Array>;
    await runner.setState({ ...init, ...initAdamWState(model.params) });
    const ref = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, v.slice()]));
    const zeros = () => Object.fromEntries(specs.map(([n]) => [n, new Float64Array(ref[n].length)]));
    const [m, v] = [zeros(), zeros()];
    for (let k = 0; k < 3; k++) {
      const xs = { x: Float64Array.from({ length: 12 }, (_, i) => Math.sin(i * 0.9 + k)) };
      await grads.setState({ ...ref, ...Object.fromEntries(specs.map(([n]) => [`acc.${n}`, new Float64Array(ref[n].length)])) });
      await grads.run('grad', xs);
      const acc = await grads.getState(specs.map(([n]) => `acc.${n}`));
      const gr = Object.fromEntries(specs.map(([n]) => [n, acc[`acc.${n}`] as Float64Array]));
      refAdamWStep(ref, gr, m, v, Object.fromEntries(specs.map(([n, , d]) => [n, d])), k + 1, { ...OPT, lr: lrAt(k) });
      await runner.run('step', { ...xs, lr: new Float64Array([lrAt(k)]), step: new Float64Array([k + 1]) });
    }
    const got = await runner.getState();
    for (const [n] of specs) {
      for (const [key, want] of [
        [n, ref[n]],
        [`m.${n}`, m[n]],
        [`v.${n}`, v[n]],
      ] as const) {
        const diff = Math.max(...Array.from(got[key] as Float64Array, (y, i) => Math.abs(y - want[i])));
        expect(diff, key).toBeLessThan(1e-12);
      }
    }
    await grads.dispose();
    await runner.dispose();
  });
});

describe('learning-rate schedules', () => {
  const s = { maxLr: 6e-4, minLr: 6e-5, warmupSteps: 10, decaySteps: 100 };
  it('warms up linearly, decays by cosine to the floor, then stays there', () => {
    expect(getLr(0, s)).toBeCloseTo(6e-4 / 11, 12);
    expect(getLr(9, s)).toBeCloseTo((6e-4 * 10) / 11, 12);
    expect(getLr(10, s)).toBeCloseTo(6e-4, 12);
    expect(getLr(55, s)).toBeCloseTo((6e-4 + 6e-5) / 2, 12);
    expect(getLr(100, s)).toBe(6e-5);
    expect(getLr(1000, s)).toBe(6e-5);
    expect(linearWarmup(50, 1, 10)).toBe(1);
    for (let k = 10; k < 100; k++) expect(getLr(k + 1, s)).toBeLessThanOrEqual(getLr(k, s));
  });
});
