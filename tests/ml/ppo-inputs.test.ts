import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSameConfig,
  ByteTokenizer,
  drawPrompts,
  encodePrompts,
  loadCheckpoint,
  mixSeed,
  prng,
  readPrompts,
  rollout,
  gptConfig,
  initGPT,
  resolvePPOConfig,
  RewardScorer,
  saveCheckpoint,
  saveRewardModel,
  setupPPO,
  trainPPO,
  V_HEAD,
} from '../../ml/index';
import { randomPolicy, TINY, writePrompts } from './ppo-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'ppo-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let policy = '';
let prompts = '';
let rm = '';
const norm = { shift: 0.5, scale: 2 };
beforeAll(() => {
  policy = randomPolicy(path.join(dir, 'policy'));
  prompts = writePrompts(path.join(dir, 'prompts.jsonl'), 4);
  const head = { weight: Float32Array.from({ length: TINY.nEmbd }, (_, i) => Math.sin(i)), bias: Float32Array.of(0.3) };
  rm = path.join(dir, 'rm');
  saveRewardModel(rm, TINY, initGPT(TINY, 9), head, norm, { tokenizer: 'byte' });
});

const ok = () => ({
  policy,
  prompts: [prompts],
  out: path.join(dir, 'out'),
  iterations: 1,
  rolloutBatch: 4,
  miniBatch: 2,
  ppoEpochs: 1,
  maxNewTokens: 4,
  worker: false,
});
const hook = { reward: async (s: unknown[]) => s.map(() => 0) };

describe('PPO inputs', () => {
  it('runs on a reward model folder; the value model starts as the reward model, its head predicting normalised scores', async () => {
    const s = setupPPO({ ...resolvePPOConfig(ok()), reward: rm }, { rewardHook: false });
    const v = s.value!.state;
    expect(v['wte.weight']).toEqual(initGPT(TINY, 9)['wte.weight']); // the RM's body, not the policy's
    expect(v[V_HEAD.weight][3]).toBeCloseTo(Math.sin(3) / norm.scale, 6);
    expect(v[V_HEAD.bias][0]).toBeCloseTo((0.3 - norm.shift) / norm.scale, 6);

    const r = await trainPPO({ ...ok(), reward: rm, noEosPenalty: -1, seed: 4 });
    expect(r.iterations).toBe(1);
    // the score metric is the mean normalised score of prompt + response (+ eos when it ran out), as RewardScorer gives it:
    // replay the first iteration's draws (prompts, then sampling) from the seed
    const ck = loadCheckpoint(policy);
    const all = encodePrompts(new ByteTokenizer(), readPrompts([prompts]));
    const drawn = drawPrompts(all.length, 4, prng(mixSeed(4, 0, 1))).map((i) => all[i]);
    const ro = await rollout(ck.config, ck.params, drawn, {
      maxNewTokens: 4,
      temperature: 1,
      eos: 257,
      pad: 258,
      seed: mixSeed(4, 0, 2),
      T: 9,
      runtime: { intraOpThreads: 1 },
    });
    const scorer = await RewardScorer.load(rm, { intraOpThreads: 1 });
    const scores = await scorer.score(drawn.map((p, b) => [...p, ...ro.responses[b], ...(ro.finished[b] ? [] : [257])]));
    await scorer.dispose();
    expect(r.metrics.score).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / 4, 5);
    expect(r.metrics.no_eos_frac).toBe(ro.finished.filter((f) => !f).length / 4);
  });

  it('refuses a reward model on another tokenizer', async () => {
    const other = path.join(dir, 'rm-other');
    const c = gptConfig(TINY, { vocabSize: 300 });
    saveRewardModel(other, c, initGPT(c, 2), { weight: new Float32Array(c.nEmbd), bias: new Float32Array(1) }, norm, { tokenizer: 'byte' });
    await expect(trainPPO({ ...ok(), reward: other })).rejects.toThrow(/reward model .*rm-other was built on another tokenizer than the policy/);
  });

  it('refuses a reward folder that is not a reward model', async () => {
    await expect(trainPPO({ ...ok(), reward: policy })).rejects.toThrow(/has no reward head \(score\.weight and score\.bias\)/);
  });

  it('refuses a run with neither a reward model nor hooks.reward', async () => {
    await expect(trainPPO(ok())).rejects.toThrow(/PPO needs a reward: set `reward` to a reward model folder or pass hooks\.reward/);
  });

  it('refuses an empty prompt set', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n');
    await expect(trainPPO({ ...ok(), prompts: [empty] }, hook)).rejects.toThrow(/the prompt set is empty/);
    const assistantLast = path.join(dir, 'bad.jsonl');
    writeFileSync(
      assistantLast,
      JSON.stringify({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
      }),
    );
    await expect(trainPPO({ ...ok(), prompts: [assistantLast] }, hook)).rejects.toThrow(/line 1 ends with an assistant message/);
  });

  it('refuses out-of-range fields, naming the field', async () => {
    await expect(trainPPO({ ...ok(), miniBatch: 3 }, hook)).rejects.toThrow(/PPO config: miniBatch must divide rolloutBatch \(4\), got 3/);
    await expect(trainPPO({ ...ok(), temperature: 0 }, hook)).rejects.toThrow(/PPO config: temperature must be > 0/);
    await expect(trainPPO({ ...ok(), lam: 1.5 }, hook)).rejects.toThrow(/PPO config: lam must be in \[0, 1\], got 1.5/);
    await expect(trainPPO({ ...ok(), clipEps: -0.2 }, hook)).rejects.toThrow(/PPO config: clipEps must be in \(0, 1\]/);
    await expect(trainPPO({ ...ok(), iterations: 0 }, hook)).rejects.toThrow(/PPO config: iterations must be an integer >= 1/);
    await expect(trainPPO({ ...ok(), klTarget: 0 }, hook)).rejects.toThrow(/PPO config: klTarget must be > 0/);
    await expect(trainPPO({ ...ok(), ptxCoef: 1 }, hook)).rejects.toThrow(/PPO config: ptxData must name at least one file when ptxCoef > 0/);
    await expect(trainPPO({ ...ok(), bogus: 1 } as never, hook)).rejects.toThrow(/PPO config: unknown field "bogus"/);
    await expect(trainPPO({ ...ok(), maxNewTokens: 40 }, hook)).rejects.toThrow(
      /^PPO config: maxNewTokens 40 leaves 0 of the context's 32 tokens for the prompt, fewer than the 4 its chat markers need$/,
    );
  });

  it('refuses a reference and a policy whose configs differ', async () => {
    expect(() => assertSameConfig(TINY, gptConfig(TINY, { nEmbd: 64 }), 'reference and policy')).toThrow(/reference and policy: nEmbd differs \(32 vs 64\)/);
    // resuming into a folder whose policy is another model than the reference (the policy folder)
    const out = path.join(dir, 'out-other');
    const c = gptConfig(TINY, { nLayer: 2 });
    saveCheckpoint(out, c, initGPT(c, 1), { tokenizer: 'byte', optimizer: {}, trainerState: { ppo: { iteration: 1, beta: 0.02, updates: 2 } } });
    await expect(trainPPO({ ...ok(), out, resume: true }, hook)).rejects.toThrow(
      /the reference policy .* and the policy in .*out-other: nLayer differs \(1 vs 2\)/,
    );
  });

  it('refuses to resume from a folder without PPO state', async () => {
    const out = path.join(dir, 'out-lm');
    saveCheckpoint(out, TINY, initGPT(TINY, 1), { tokenizer: 'byte', trainerState: { step: 3 } });
    await expect(trainPPO({ ...ok(), out, resume: true }, hook)).rejects.toThrow(/holds no PPO training state/);
  });
});
