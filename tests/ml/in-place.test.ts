// State written in place: a clipped training step reads every weight and moment before it
// writes its next value, so StateRunner keeps one buffer per tensor instead of two. The result
// must be the double-buffered one, bit for bit.

import { describe, expect, it } from 'vitest';
import {
  Graph,
  initAdamWState,
  initParams,
  lmLossGraph,
  prng,
  StateRunner,
  stepFeeds,
  trainStepModel,
  type BuiltModel,
  type Feeds,
  type GPTConfig,
} from '../../ml/index';
import { bitsEqual } from './helpers';

/** A two-layer MLP regression step; the weights are big enough to be updated alone (not in a flat group). */
function mlpStep(maxGradNorm?: number): BuiltModel {
  const g = new Graph();
  const x = g.input('x', 'float32', [4, 200]);
  const w1 = g.param('w1', [200, 100]);
  const w2 = g.param('w2', [100, 200]);
  const b2 = g.param('b2', [200]);
  const err = g.sub(g.linear(g.tanh(g.matmul(x, w1)), w2, b2), g.input('y', 'float32', [4, 200]));
  return trainStepModel(g, { loss: g.reduceMean(g.mul(err, err)) }, { weightDecay: 0.1, maxGradNorm });
}

describe('state updated in place', () => {
  it('with gradient clipping every weight and moment is written in place (every update waits for the global norm)', () => {
    // b2 is not decayed: its update b2 − u reads and writes it in one elementwise node, index by index
    expect(mlpStep(1).inPlace?.sort()).toEqual(['b2', 'm.b2', 'm.w1', 'm.w2', 'v.b2', 'v.w1', 'v.w2', 'w1', 'w2']);
  });

  it('without clipping a weight that a backward product reads keeps two buffers: its update need not wait for dX = dY·Wᵀ', () => {
    const names = mlpStep(undefined).inPlace ?? [];
    expect(names).not.toContain('w2'); // read by d tanh = d out·w2ᵀ, which w2's update does not depend on
    expect(names).toContain('w1'); // nothing after w1's own gradient reads it
    expect(names).toContain('m.w2');
  });

  it('the node that writes next.c may read c only index by index: c + x in place, a cumulative sum of c not', () => {
    const g = new Graph();
    const c = g.param('c', [4]);
    const x = g.input('x', 'float32', [4]);
    expect(g.toModel({ outputs: { 'next.c': g.add(c, x) } }).inPlace).toEqual(['c']);
    expect(g.toModel({ outputs: { 'next.c': g.cumsum(c, 0) } }).inPlace).toBeUndefined();
    expect(g.toModel({ outputs: { 'next.c': g.add(g.reshape(c, [2, 2]), g.reshape(x, [2, 2])) } }).inPlace).toEqual(['c']); // through an alias
  });

  it('a reader of a reshape of the state (the same buffer on the CPU) counts as a reader of the state', () => {
    const g = new Graph();
    const c = g.param('c', [4]);
    const x = g.input('x', 'float32', [4]);
    const view = g.reshape(c, [2, 2]);
    const scale = g.reduceSum(view); // read before the update (its input)
    const metric = g.reduceMax(view); // reads c's buffer through the reshape, and nothing orders it before the update
    expect(g.toModel({ outputs: { 'next.c': g.mul(x, scale), metric } }).inPlace).toBeUndefined();
    // every reader of the view ordered before the update: in place
    expect(g.toModel({ outputs: { 'next.c': g.mul(g.mul(x, scale), metric), metric } }).inPlace).toEqual(['c']);
    // the reshape itself an output: c's buffer leaves the model
    expect(g.toModel({ outputs: { 'next.c': g.mul(x, 3), view: g.reshape(c, [2, 2]) } }).inPlace).toBeUndefined();
  });

  describe('a GPT training step (2 threads)', () => {
    const c: GPTConfig = { vocabSize: 512, nCtx: 64, nEmbd: 64, nLayer: 2, nHead: 4, layerNormEpsilon: 1e-5 };
    const [B, T] = [4, 64];
    const batch = (k: number): Feeds => {
      const rand = prng(20 + k);
      const ids = BigInt64Array.from({ length: B * T }, () => BigInt(Math.floor(rand() * 60)));
      return {
        input_ids: ids,
        position_ids: BigInt64Array.from({ length: B * T }, (_, i) => BigInt(i % T)),
        targets: BigInt64Array.from({ length: B * T }, (_, i) => ids[(i + 1) % (B * T)]),
        loss_mask: new Float32Array(B * T).fill(1),
        lr: Float32Array.of(3e-3),
        step: Float32Array.of(k + 1),
      };
    };

    async function train(model: BuiltModel, K: number): Promise<{ state: Feeds; losses: number[]; same: boolean }> {
      const rt = new StateRunner({ intraOpThreads: 2 });
      await rt.load('step', model);
      await rt.setState({ ...initParams(model.params, 3), ...initAdamWState(model.params) });
      const buffers = model.params.map((p) => rt.peek(p.name));
      const losses: number[] = [];
      for (let run = 0; run < 3; run++) {
        const out = await rt.run('step', stepFeeds(Array.from({ length: K }, (_, k) => batch(run * K + k))));
        for (let k = 0; k < K; k++) losses.push(out[k ? `loss@${k}` : 'loss'][0] as number);
      }
      const same = model.params.every((p, i) => rt.peek(p.name) === buffers[i]);
      const state = await rt.getState();
      await rt.dispose();
      return { state, losses, same };
    }

    for (const K of [1, 2]) {
      it(`${K} step${K > 1 ? 's' : ''} per run: in place equals double-buffered, bit for bit, and keeps its buffers`, async () => {
        const lm = lmLossGraph(c, B, T);
        const model = trainStepModel(lm.graph, { loss: lm.loss }, { weightDecay: 0.1, maxGradNorm: 1 }, K);
        const names = model.params.map((p) => p.name);
        expect(model.inPlace?.sort()).toEqual([...names, ...names.map((n) => `m.${n}`), ...names.map((n) => `v.${n}`)].sort());
        const inPlace = await train(model, K);
        const twoBuffers = await train({ ...model, inPlace: undefined }, K);
        expect(inPlace.same).toBe(true);
        expect(twoBuffers.same).toBe(false);
        expect(inPlace.losses).toEqual(twoBuffers.losses);
        expect(inPlace.losses[3 * K - 1]).toBeLessThan(inPlace.losses[0]); // it trains
        const differ = Object.keys(twoBuffers.state).filter((k) => !bitsEqual(inPlace.state[k], twoBuffers.state[k]));
        expect(differ).toEqual([]);
      });
    }
  });
});
