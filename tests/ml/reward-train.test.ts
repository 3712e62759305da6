import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ByteTokenizer,
  gptConfig,
  initGPT,
  loadCheckpoint,
  loadRewardData,
  meanStd,
  prng,
  readReference,
  resolveRewardConfig,
  RewardScorer,
  rewardInput,
  saveCheckpoint,
  saveRewardModel,
  trainRewardModel,
  type RLProgress,
} from '../../ml/index';

const dir = mkdtempSync(path.join(tmpdir(), 'rm-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tok = new ByteTokenizer();
const cfg = gptConfig('tiny');
const init = path.join(dir, 'init');
const data = path.join(dir, 'rankings.jsonl');
const sft = path.join(dir, 'sft.jsonl');

// Synthetic rankings: 3 random words per prompt, ranked by how many "!" they end with (0-2);
// equal counts are ties. Held-out prompts are never seen in training.
beforeAll(() => {
  saveCheckpoint(init, cfg, initGPT(cfg, 1), { tokenizer: 'byte' });
  const r = prng(7);
  const word = () => Array.from({ length: 3 + Math.floor(r() * 6) }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
  const lines: string[] = [];
  for (let i = 0; i < 240; i++) {
    const bangs = [0, 1, 2].map(() => Math.floor(r() * 3));
    const levels = [...new Set(bangs)].sort((a, b) => b - a);
    const tiers = levels.map((l) => bangs.flatMap((b, j) => (b === l ? [j] : [])));
    lines.push(JSON.stringify({ prompt: `question ${i % 60}`, responses: bangs.map((n) => word() + '!'.repeat(n)), tiers }));
  }
  writeFileSync(data, lines.join('\n'));
  writeFileSync(
    sft,
    Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `q${i}` },
          { role: 'assistant', content: `${word()}${'!'.repeat(i % 3)}` },
        ],
      }),
    ).join('\n'),
  );
});

const base = { init, data: [data], epochs: 2, batchSize: 8, maxLr: 3e-3, minLr: 3e-4, warmupSteps: 5 };

describe('trainRewardModel', () => {
  it('learns the preferred property: held-out accuracy well above 50%, the reference set normalised to mean 0, std 1', async () => {
    const out = path.join(dir, 'rm');
    const events: RLProgress[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const r = await trainRewardModel({ ...base, out, normData: [sft], evalEvery: 10 }, { onProgress: (p) => events.push(p) });
    clearInterval(timer);
    const steps = events.filter((e) => e.event === 'step');
    const split = loadRewardData(resolveRewardConfig({ ...base, out }), tok);
    const trainPrompts = new Set(split.train.map((g) => g.prompt));
    expect(split.val.length).toBeGreaterThan(10);
    expect(split.val.filter((g) => trainPrompts.has(g.prompt))).toEqual([]); // held out by prompt
    expect(steps.length).toBe(r.steps);
    expect(r.steps).toBe(2 * Math.ceil(split.train.length / 8)); // two epochs of 8 rankings per step
    expect(Object.keys(steps[0].metrics).sort()).toEqual(['accuracy', 'grad_norm', 'loss', 'lr', 'margin']);
    expect(steps.at(-1)!.metrics.loss).toBeLessThan(steps[0].metrics.loss / 3);
    expect(r.metrics.valAccuracy).toBeGreaterThan(0.85);
    expect(r.metrics.valMargin).toBeGreaterThan(0);
    expect(events.filter((e) => e.event === 'eval').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({ event: 'done', step: r.steps });
    expect(ticks).toBeGreaterThan(0); // trained in a worker thread: the event loop stayed free
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);

    // normalisation: the SFT reference set scores mean 0, std 1 through the scorer
    const scorer = await RewardScorer.load(out);
    const ref = await scorer.score(readReference([sft], tok));
    const { mean, std } = meanStd(ref);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(std).toBeCloseTo(1, 4);
    const raw = await scorer.scoreRaw(readReference([sft], tok));
    expect(meanStd(raw).mean).toBeCloseTo(r.shift, 4);
    expect(meanStd(raw).std).toBeCloseTo(r.scale, 4);
    // and it prefers the property on a prompt it never saw
    const [plain, loud] = await scorer.score([rewardInput(tok, 'a new prompt', 'hello'), rewardInput(tok, 'a new prompt', 'hello!!')]);
    expect(loud).toBeGreaterThan(plain);
    await scorer.dispose();
  });

  it('aborts after the current step with a checkpoint; resuming gives the model of an uninterrupted run', async () => {
    const out = path.join(dir, 'rm-abort');
    const ac = new AbortController();
    const first = await trainRewardModel(
      { ...base, out, worker: false },
      { signal: ac.signal, onProgress: (p) => p.event === 'step' && p.step === 3 && ac.abort() },
    );
    expect(first.steps).toBe(3);
    expect(loadCheckpoint(out).trainerState).toMatchObject({ step: 3 });
    const events: RLProgress[] = [];
    const rest = await trainRewardModel({ ...base, out, worker: false, resume: true }, { onProgress: (p) => events.push(p) });
    expect(events.find((e) => e.event === 'step')!.step).toBe(4);
    expect(rest.steps).toBeGreaterThan(20);
    // the same weights, moments and data order: the same model as an uninterrupted run
    const whole = await trainRewardModel({ ...base, out: path.join(dir, 'rm-whole'), worker: false });
    expect(rest.steps).toBe(whole.steps);
    expect(rest.shift).toBeCloseTo(whole.shift, 4);
    expect(rest.scale).toBeCloseTo(whole.scale, 4);
    expect(rest.metrics.valLoss).toBeCloseTo(whole.metrics.valLoss, 5);
  });

  it('without normData, normalises on the training responses that win a comparison; pairs format trains too', async () => {
    const pairs = path.join(dir, 'pairs.jsonl');
    const lines = readFileSync(data, 'utf8')
      .split('\n')
      .map((l) => JSON.parse(l) as { prompt: string; responses: string[]; tiers: number[][] })
      .filter((j) => j.tiers.length > 1)
      .map((j) =>
        JSON.stringify({
          prompt: [{ role: 'user', content: j.prompt }],
          chosen: [{ role: 'assistant', content: j.responses[j.tiers[0][0]] }],
          rejected: j.responses[j.tiers.at(-1)![0]],
        }),
      );
    writeFileSync(pairs, lines.join('\n'));
    const r = await trainRewardModel({ ...base, data: [pairs], format: 'pairs', out: path.join(dir, 'rm-pairs'), worker: false });
    expect(r.metrics.valAccuracy).toBeGreaterThan(0.85);
    expect(r.scale).toBeGreaterThan(0);
  });
});

describe('reward-model checkpoints and RewardScorer', () => {
  const C = cfg.nEmbd;
  const weight = Float32Array.from({ length: C }, (_, i) => Math.sin(i + 1) * 0.3);
  const bias = Float32Array.from([0.25]);
  const folder = path.join(dir, 'handmade');

  it('round-trips score.weight, score.bias, shift and scale, and keeps the byte tokenizer', async () => {
    saveRewardModel(folder, cfg, initGPT(cfg, 2), { weight, bias }, { shift: 0.5, scale: 2 }, { tokenizer: 'byte' });
    const ck = loadCheckpoint(folder);
    expect(ck.extra['score.weight'].shape).toEqual([C, 1]);
    expect(Array.from(ck.extra['score.weight'].data)).toEqual(Array.from(weight));
    expect(ck.extra['score.bias']).toEqual({ data: bias, shape: [1] });
    expect(ck.meta).toEqual({ tokenizer: 'byte', reward: { shift: 0.5, scale: 2 } });
    expect(ck.tokenizer).toBe('byte');
    const scorer = await RewardScorer.load(folder);
    const s = rewardInput(tok, 'hi', 'there');
    const [raw] = await scorer.scoreRaw([s]);
    const [norm] = await scorer.score([s]);
    expect(norm).toBeCloseTo((raw - 0.5) / 2, 6);
    await scorer.dispose();
  });

  it('reads the reward at the eos, never at a pad: the same score alone, padded in a batch, or in another length bucket', async () => {
    const scorer = await RewardScorer.load(folder);
    const short = rewardInput(tok, 'hi', 'yes');
    const long = rewardInput(tok, 'a much longer prompt that needs padding elsewhere', 'and a long response too');
    const [alone] = await scorer.scoreRaw([short]);
    const batch = await scorer.scoreRaw([long, short, long, long, short]);
    expect(batch[1]).toBeCloseTo(alone, 5);
    expect(batch[4]).toBeCloseTo(alone, 5);
    // a different eos-position reward: the score depends on the real tokens only
    const [other] = await scorer.scoreRaw([rewardInput(tok, 'hi', 'no')]);
    expect(Math.abs(other - alone)).toBeGreaterThan(1e-4);
    await expect(scorer.scoreRaw([[1, 2, 999]])).rejects.toThrow(/token id 999, outside the vocabulary \[0, 512\)/);
    await scorer.dispose();
  });

  it('refuses a folder without a reward head in one sentence', async () => {
    await expect(RewardScorer.load(init)).rejects.toThrow(/model folder .*init has no reward head \(score\.weight and score\.bias\)/);
  });
});
