import { describe, expect, it } from 'vitest';
import { Generator, initGPT, packRollout, policyScoreModel, rollout, StateRunner, takeRows } from '../../ml/index';
import { nums } from './helpers';
import { TINY } from './ppo-fixtures';

describe('PPO rollouts', () => {
  it('pack prompt + response right-padded, the mask on positions whose target is a response token', () => {
    const r = packRollout(
      [
        [1, 2, 3],
        [1, 2],
      ],
      [[4, 5], [6]],
      [true, false],
      5,
      9,
    );
    expect(Array.from(r.inputIds, Number)).toEqual([1, 2, 3, 4, 9, 1, 2, 9, 9, 9]);
    expect(Array.from(r.targets, Number)).toEqual([2, 3, 4, 5, 9, 2, 6, 9, 9, 9]);
    expect(Array.from(r.positionIds, Number)).toEqual([0, 1, 2, 3, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(r.mask)).toEqual([0, 0, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(takeRows(r.mask, [1, 0], 5))).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 1, 0]);
    expect(() => packRollout([[1, 2, 3]], [[4, 5, 6, 7]], [true], 5, 9)).toThrow(/needs 6 positions, more than T = 5/);
  });

  it("the training graph's log-probs at temperature 0.7 are the sampler's (same distribution in rollout and training)", async () => {
    const params = initGPT(TINY, 3);
    const prompts = [
      [256, 260, 104, 105, 261],
      [256, 260, 120, 261],
    ];
    const T = 5 + 8 - 1;
    const ro = await rollout(TINY, params, prompts, { maxNewTokens: 8, temperature: 0.7, eos: 257, pad: 258, seed: 5, T, runtime: { intraOpThreads: 1 } });
    // the generator's own log-probs of the same samples
    const gen = await Generator.create(TINY, params, { intraOpThreads: 1 });
    const sampled = await gen.generate(prompts, { maxNewTokens: 8, temperature: 0.7, eos: 257, pad: 258, seed: 5 });
    await gen.dispose();
    expect(sampled.tokens).toEqual(ro.responses);

    const runner = new StateRunner({ intraOpThreads: 1 });
    await runner.load('score', policyScoreModel(TINY, 2, T, { temperature: 0.7 }));
    await runner.setState(params);
    const out = await runner.run('score', { input_ids: ro.inputIds, position_ids: ro.positionIds, targets: ro.targets, mask: ro.mask });
    await runner.dispose();
    const logp = nums(out.logprobs);
    const fromGraph = [0, 1].map((b) => logp.slice(b * T, (b + 1) * T).filter((_, t) => ro.mask[b * T + t]));
    expect(fromGraph.map((r) => r.length)).toEqual(ro.responses.map((r) => r.length));
    fromGraph.flat().forEach((x, i) => expect(x).toBeCloseTo(sampled.logprobs.flat()[i], 4));
    // and not the unscaled model's
    expect(Math.max(...fromGraph.flat().map((x, i) => Math.abs(x - sampled.modelLogprobs.flat()[i])))).toBeGreaterThan(1e-2);
    // entropy of softmax(logits / T) is positive and at most log V
    for (const h of nums(out.entropy)) expect(h > 0 && h <= Math.log(TINY.vocabSize) + 1e-4).toBe(true);
  });
});
