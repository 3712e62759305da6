import { afterAll, describe, expect, it } from 'vitest';
import { Graph, initAdamWState, initParams, maskedCrossEntropy, prng, trainStepModel, WorkerRunner } from '../../ml/index';

// Two-class "XOR" in 2-D: label = sign(x0) ≠ sign(x1). Not linearly separable.
const N = 64;
const STEPS = 150;
const LOSS_BOUND = 0.05;

function dataset(seed: number) {
  const r = prng(seed);
  const x = new Float32Array(N * 2);
  const y = new BigInt64Array(N);
  for (let i = 0; i < N; i++) {
    x[2 * i] = 2 * r() - 1;
    x[2 * i + 1] = 2 * r() - 1;
    y[i] = x[2 * i] > 0 !== x[2 * i + 1] > 0 ? 1n : 0n;
  }
  return { x, y };
}

function mlp() {
  const g = new Graph();
  const x = g.input('x', 'float32', [N, 2]);
  const y = g.input('y', 'int64', [1, N]);
  const mask = g.input('mask', 'float32', [1, N]);
  let h = x;
  const widths = [2, 32, 32];
  for (let l = 0; l + 1 < widths.length; l++) {
    const w = g.param(`h${l}.w`, [widths[l], widths[l + 1]], { init: { kind: 'normal', std: 1 / Math.sqrt(widths[l]) } });
    const b = g.param(`h${l}.b`, [widths[l + 1]], { init: { kind: 'zeros' } });
    h = g.gelu(g.linear(h, w, b)); // (N, 32)
  }
  const head = g.param('head.w', [32, 2], { init: { kind: 'normal', std: 0.1 } });
  const logits = g.reshape(g.linear(h, head), [1, N, 2]); // (1, N, 2)
  const loss = maskedCrossEntropy(g, logits, y, mask);
  return trainStepModel(g, { loss }, { weightDecay: 0.01, maxGradNorm: 1 });
}

describe('a tiny MLP trained in a worker thread', () => {
  const runner = new WorkerRunner();
  afterAll(() => runner.dispose());

  it(`learns XOR: loss < ${LOSS_BOUND} within ${STEPS} steps (seeded)`, async () => {
    const model = mlp();
    await runner.load('step', model);
    await runner.setState({ ...initParams(model.params, 42), ...initAdamWState(model.params) });
    const { x, y } = dataset(1);
    const feeds = { x, y, mask: new Float32Array(N).fill(1) };
    const losses: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    for (let k = 0; k < STEPS; k++) {
      const out = await runner.run('step', { ...feeds, lr: new Float32Array([0.02]), step: new Float32Array([k + 1]) });
      losses.push(out.loss[0] as number);
    }
    clearInterval(timer);
    console.log(`MLP loss: step 1 ${losses[0].toFixed(4)}, step ${STEPS} ${losses[STEPS - 1].toFixed(4)}`);
    expect(losses[0]).toBeGreaterThan(0.6);
    expect(losses[STEPS - 1]).toBeLessThan(LOSS_BOUND);
    expect(ticks).toBeGreaterThan(0); // the event loop kept running while the worker trained

    const again = await runner.getState(['head.w']);
    expect((again['head.w'] as Float32Array).length).toBe(64);
  });
});
