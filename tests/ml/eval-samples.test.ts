// Sample generations from the trainers: DPO answers the held-out prompts of `samples` after each
// evaluation and at the end, PPO before each checkpoint; each 'samples' event holds one greedy answer
// per prompt, and the answers are what the weights of that moment say (checked against the starting
// checkpoint at DPO's step 0 and against PPO's final checkpoint).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ByteTokenizer,
  evalSamples,
  gptConfig,
  initGPT,
  loadCheckpoint,
  resolveSampleSpec,
  saveCheckpoint,
  trainDPO,
  trainPPO,
  type RLProgress,
  type SampleSpec,
} from '../../ml/index';
import { sftPolicy, writePrompts } from './ppo-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'eval-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec: SampleSpec = {
  prompts: [
    [{ role: 'user', content: 'q1' }],
    [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'q2' },
    ],
  ],
  maxNewTokens: 6,
  temperature: 0,
  seed: 0,
};
const samplesOf = (events: RLProgress[]) => events.filter((e) => e.event === 'samples');
const runtime = { intraOpThreads: 1 };

describe('the samples setting', () => {
  it('takes the defaults for what is left out and refuses what it cannot use, naming the field', async () => {
    expect(resolveSampleSpec('DPO config', { prompts: spec.prompts })).toEqual({ ...spec, maxNewTokens: 32 });
    expect(() => resolveSampleSpec('DPO config', { prompts: [[{ role: 'robot', content: 'x' }]] as never })).toThrow(
      'DPO config: samples.prompts must be a list of chats',
    );
    expect(() => resolveSampleSpec('PPO config', { maxNewTokens: 0 })).toThrow('PPO config: samples.maxNewTokens must be an integer >= 1, got 0');
    await expect(trainDPO({ init: 'x', data: ['y'], samples: { temperature: -1 } as never })).rejects.toThrow(
      'DPO config: samples.temperature must be >= 0, got -1',
    );
  });
});

describe('trainDPO with samples', () => {
  const init = path.join(dir, 'dpo-init');
  const data = path.join(dir, 'rankings.jsonl');
  beforeAll(() => {
    const cfg = gptConfig('tiny');
    saveCheckpoint(init, cfg, initGPT(cfg, 1), { tokenizer: 'byte' });
    const lines = Array.from({ length: 48 }, (_, i) => JSON.stringify({ prompt: `q${i % 12}`, responses: ['yes!!', 'no', 'maybe!'], tiers: [[0], [2], [1]] }));
    writeFileSync(data, lines.join('\n'));
  });

  it('answers the prompts at step 0, after each evaluation and at the end; step 0 is the starting checkpoint speaking', async () => {
    const events: RLProgress[] = [];
    const r = await trainDPO(
      { init, data: [data], out: path.join(dir, 'dpo'), epochs: 1, batchSize: 8, evalEvery: 2, klPrompts: 0, threads: 1, samples: spec },
      { onProgress: (p) => events.push(p) },
    );
    const got = samplesOf(events);
    const evalSteps = events.filter((e) => e.event === 'eval').map((e) => e.step);
    expect(got.map((e) => e.step)).toEqual([...new Set([...evalSteps, r.steps])]);
    expect(got[0].step).toBe(0);
    for (const e of got) {
      expect(e.samples!.map((s) => s.prompt)).toEqual(['q1', 'system: Be brief.\n\nuser: q2']);
      for (const s of e.samples!) expect(s.tokens).toBeGreaterThan(0);
      for (const s of e.samples!) expect(s.tokens).toBeLessThanOrEqual(6);
    }
    // every 'samples' event follows its 'eval' (the one at the end comes before the final save)
    for (const e of got.slice(0, -1)) expect(events[events.indexOf(e) - 1]).toMatchObject({ event: 'eval', step: e.step });
    const ck = loadCheckpoint(init);
    const before = await evalSamples(ck.config, ck.params, new ByteTokenizer(), spec, { runtime });
    expect(got[0].samples).toEqual(before);
  });
});

describe('trainPPO with samples', () => {
  let policy = '';
  let prompts = '';
  beforeAll(async () => {
    policy = await sftPolicy(dir);
    prompts = writePrompts(path.join(dir, 'prompts.jsonl'), 8);
  });

  it('answers the prompts before each checkpoint (PPO has no evaluation pass): the last answers are the saved policy speaking', async () => {
    const events: RLProgress[] = [];
    const out = path.join(dir, 'ppo');
    const reward = async (s: { response: number[] }[]) => s.map((x) => x.response.filter((t) => t === 97).length);
    await trainPPO(
      {
        policy,
        prompts: [prompts],
        out,
        rolloutBatch: 8,
        miniBatch: 4,
        ppoEpochs: 1,
        maxNewTokens: 4,
        iterations: 2,
        saveEvery: 1,
        seed: 1,
        threads: 1,
        samples: { ...spec, maxNewTokens: 4 },
      },
      { reward, onProgress: (p) => events.push(p) },
    );
    const got = samplesOf(events);
    expect(got.map((e) => e.step)).toEqual([1, 2]);
    for (const e of got) expect(events[events.indexOf(e) + 1]).toMatchObject({ event: 'save', step: e.step });
    const ck = loadCheckpoint(out);
    expect(got[1].samples).toEqual(await evalSamples(ck.config, ck.params, new ByteTokenizer(), { ...spec, maxNewTokens: 4 }, { runtime }));
  });
});
