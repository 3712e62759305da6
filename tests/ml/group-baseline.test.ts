import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupAdvantages, readSafetensors, resolvePPOConfig, tokenAdvantages, trainPPO, type RLProgress, type RewardSample } from '../../ml/index';
import { sftPolicy, writePrompts } from './ppo-fixtures';

describe('group baselines', () => {
  it('RLOO: each answer minus the mean of the OTHER answers to its prompt, by hand', () => {
    // group 1: 1, 2, 6 → 1 − (2+6)/2 = −3, 2 − (1+6)/2 = −1.5, 6 − (1+2)/2 = 4.5; group 2: 0, 4, 4 → −4, 2, 2
    expect(groupAdvantages([1, 2, 6, 0, 4, 4], 3, 'rloo')).toEqual([-3, -1.5, 4.5, -4, 2, 2]);
    // the leave-one-out advantages are k/(k−1) times the plain mean-centred ones, and sum to 0
    const a = groupAdvantages([0.3, -1, 2, 5], 4, 'rloo');
    const centred = [0.3, -1, 2, 5].map((x) => x - 6.3 / 4);
    a.forEach((x, i) => expect(x).toBeCloseTo((centred[i] * 4) / 3, 12));
    expect(a.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 12);
  });

  it('GRPO: the group mean and (unbiased) std; a group of equal scores gives no signal', () => {
    // 1, 2, 6: mean 3, std sqrt((4 + 1 + 9)/2) = sqrt(7)
    const g = groupAdvantages([1, 2, 6, 5, 5, 5], 3, 'grpo', 0);
    [-2, -1, 3].forEach((d, i) => expect(g[i]).toBeCloseTo(d / Math.sqrt(7), 12));
    expect(groupAdvantages([5, 5, 5], 3, 'grpo')).toEqual([0, 0, 0]);
  });

  it('spreads each sequence advantage over its response tokens only; refuses a group size that does not divide the batch', () => {
    expect(Array.from(tokenAdvantages([2, -1], Float32Array.from([0, 1, 1, 1, 1, 0]), 3))).toEqual([0, 2, 2, -1, -1, 0]);
    expect(() => groupAdvantages([1, 2, 3], 2, 'rloo')).toThrow(/do not split into groups of 2/);
    expect(() => resolvePPOConfig({ policy: 'm', prompts: ['p'], out: 'o', advantage: 'rloo', rolloutBatch: 6, miniBatch: 2, groupSize: 4 })).toThrow(
      'PPO config: groupSize must divide rolloutBatch (6) with advantage "rloo", got 4',
    );
    expect(() => resolvePPOConfig({ policy: 'm', prompts: ['p'], out: 'o', advantage: 'grpo', groupSize: 1 })).toThrow(/groupSize must be an integer >= 2/);
  });
});

describe('trainPPO with a group baseline', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rloo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let policy = '';
  let prompts = '';
  beforeAll(async () => {
    policy = await sftPolicy(dir);
    prompts = writePrompts(path.join(dir, 'prompts.jsonl'), 8);
  });
  const countA = async (samples: RewardSample[]) => samples.map((s) => s.response.filter((t) => t === 97).length);

  it('a tiny seeded RLOO run raises the reward with no value model, and reports time and memory per iteration', async () => {
    const events: RLProgress[] = [];
    const out = path.join(dir, 'rloo');
    const base = { policy, prompts: [prompts], rolloutBatch: 16, miniBatch: 8, ppoEpochs: 2, maxNewTokens: 8, lr: 3e-3, beta: 0.02, seed: 1, iterations: 6 };
    await trainPPO({ ...base, out, advantage: 'rloo', groupSize: 4 }, { reward: countA, onProgress: (p) => events.push(p) });
    const steps = events.filter((e) => e.event === 'step');
    const m = steps.map((e) => e.metrics);
    console.log(
      `RLOO k=4: score ${m.map((x) => x.score.toFixed(2)).join(' → ')}; ${steps.map((e) => `${e.cost!.iterSec.toFixed(2)} s`).join(', ')}; peak ${steps.at(-1)!.cost!.peakRssMb.toFixed(0)} MB`,
    );
    expect((m[4].score + m[5].score) / 2).toBeGreaterThan(m[0].score + 1);
    for (const x of m) {
      expect(x.value_loss).toBeUndefined(); // no value model trained
      expect(Number.isFinite(x.policy_loss) && Number.isFinite(x.kl)).toBe(true);
    }
    for (const e of steps) expect(e.cost!.iterSec > 0 && e.cost!.peakRssMb > 0).toBe(true);
    const state = readSafetensors(path.join(out, 'optimizer.safetensors'));
    expect(Object.keys(state).filter((k) => k.startsWith('value.') || k.startsWith('v_head'))).toEqual([]);

    // GRPO trains too, with the same KL options (adaptive β here)
    const grpo: RLProgress[] = [];
    await trainPPO(
      { ...base, out: path.join(dir, 'grpo'), advantage: 'grpo', groupSize: 4, klTarget: 1, worker: false },
      { reward: countA, onProgress: (p) => grpo.push(p) },
    );
    const g = grpo.filter((e) => e.event === 'step').map((e) => e.metrics);
    expect((g[4].score + g[5].score) / 2).toBeGreaterThan(g[0].score + 1);
    expect(g.at(-1)!.beta).not.toBe(0.02);
  }, 300_000);
});
