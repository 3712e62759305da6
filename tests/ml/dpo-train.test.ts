import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertReferenceFits, getLr, gptConfig, initGPT, prng, REFERENCE_FILE, saveCheckpoint, trainDPO, type RLProgress } from '../../ml/index';
import { writeGpt2Folder } from '../helpers/gpt2-folder';

const dir = mkdtempSync(path.join(tmpdir(), 'dpo-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = gptConfig('tiny');
const init = path.join(dir, 'init');
const data = path.join(dir, 'rankings.jsonl');

// A toy preference: 3 random words per prompt, ranked by how many "!" they end with (0-2); equal
// counts are ties. The model is a random tiny GPT (its own reference).
beforeAll(() => {
  saveCheckpoint(init, cfg, initGPT(cfg, 1), { tokenizer: 'byte' });
  const r = prng(7);
  const word = () => Array.from({ length: 3 + Math.floor(r() * 5) }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
  const lines: string[] = [];
  for (let i = 0; i < 160; i++) {
    const bangs = [0, 1, 2].map(() => Math.floor(r() * 3));
    const levels = [...new Set(bangs)].sort((a, b) => b - a);
    const tiers = levels.map((l) => bangs.flatMap((b, j) => (b === l ? [j] : [])));
    lines.push(JSON.stringify({ prompt: `q${i % 40}`, responses: bangs.map((n) => word() + '!'.repeat(n)), tiers }));
  }
  writeFileSync(data, lines.join('\n'));
});

const base = { init, data: [data], epochs: 2, batchSize: 8, maxLr: 3e-3, minLr: 3e-4, warmupSteps: 3, beta: 0.1, klPrompts: 4, klMaxNewTokens: 8, seed: 3 };

describe('trainDPO', () => {
  it('a seeded tiny run raises rewards/accuracies on a toy preference, reports TRL metrics and the KL, and caches the reference log-probs', async () => {
    const out = path.join(dir, 'dpo');
    const events: RLProgress[] = [];
    const r = await trainDPO({ ...base, out }, { onProgress: (p) => events.push(p) });
    const steps = events.filter((e) => e.event === 'step');
    const evals = events.filter((e) => e.event === 'eval');
    expect(steps.length).toBe(r.steps);
    expect(Object.keys(steps[0].metrics).sort()).toEqual(
      ['grad_norm', 'logps/chosen', 'logps/rejected', 'loss', 'lr', 'rewards/accuracies', 'rewards/chosen', 'rewards/margins', 'rewards/rejected'].sort(),
    );
    // before training the policy is its reference: every implicit reward is 0, the loss log 2
    expect(steps[0].metrics.loss).toBeCloseTo(Math.log(2), 5);
    expect(evals[0]).toMatchObject({ step: 0 });
    expect(evals[0].metrics['val_rewards/accuracies']).toBe(0);
    expect(evals[0].metrics.kl).toBeCloseTo(0, 4);
    const final = evals.at(-1)!.metrics;
    console.log(
      `DPO toy: ${r.steps} steps, val accuracy ${final['val_rewards/accuracies'].toFixed(3)}, val margin ${final['val_rewards/margins'].toFixed(3)}, val loss ${final.val_loss.toFixed(4)}, KL ${final.kl.toFixed(3)}`,
    );
    expect(final['val_rewards/accuracies']).toBeGreaterThan(0.8);
    expect(final['val_rewards/margins']).toBeGreaterThan(0);
    expect(final.val_loss).toBeLessThan(Math.log(2));
    expect(final.kl).toBeGreaterThan(0);
    const lastSteps = steps.slice(-5).map((s) => s.metrics['rewards/accuracies']);
    expect(lastSteps.reduce((a, b) => a + b, 0) / 5).toBeGreaterThan(0.8);
    expect(r.referenceCached).toBe(false);
    expect(existsSync(path.join(out, REFERENCE_FILE))).toBe(true);
    expect(existsSync(path.join(out, 'model.safetensors'))).toBe(true);

    // the same data again into the same folder: the reference pass is read from the cache
    const again = await trainDPO({ ...base, out, epochs: 1, klPrompts: 0 });
    expect(again.referenceCached).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  }, 300_000);
});

describe('trainDPO: maxSteps', () => {
  it("takes exactly maxSteps optimizer steps, the learning-rate schedule decaying over them (TRL's max_steps; epochs no longer decide)", async () => {
    const events: RLProgress[] = [];
    const o = { ...base, wholeRankings: false, epochs: 3, maxSteps: 5, warmupSteps: 1, klPrompts: 0 };
    const r = await trainDPO({ ...o, out: path.join(dir, 'dpo-max-steps') }, { onProgress: (p) => events.push(p) });
    const steps = events.filter((e) => e.event === 'step');
    expect(r.steps).toBe(5);
    expect(steps.map((e) => [e.step, e.steps])).toEqual([1, 2, 3, 4, 5].map((k) => [k, 5]));
    const schedule = { maxLr: o.maxLr, minLr: o.minLr, warmupSteps: 1, decaySteps: 5 };
    expect(steps.map((e) => e.metrics.lr)).toEqual([0, 1, 2, 3, 4].map((k) => getLr(k, schedule)));
  }, 120_000);
});

describe('trainDPO: bad input is one sentence before anything trains', () => {
  const refused = async (config: Record<string, unknown>, message: RegExp) => {
    const out = path.join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    await expect(trainDPO({ ...base, out, ...config })).rejects.toThrow(message);
    expect(existsSync(out)).toBe(false);
  };

  it('β ≤ 0', async () => {
    await refused(
      { beta: 0 },
      /^DPO config: beta must be in \(0, 100\] \(the strength of the KL constraint to the reference; 0 would ignore the data\), got 0$/,
    );
    await refused({ beta: -1 }, /beta must be in \(0, 100\]/);
  });

  it('a dataset with no strict pairs', async () => {
    const ties = path.join(dir, 'ties.jsonl');
    writeFileSync(
      ties,
      [
        JSON.stringify({ prompt: 'a', responses: ['x', 'y'], ranking: 'A = B' }),
        JSON.stringify({ prompt: 'b', responses: ['x', 'y', 'z'], ranking: 'A = B = C' }),
      ].join('\n'),
    );
    await refused({ data: [ties] }, /no strict pairs/);
    await refused({ data: [ties], includeTies: true }, /no strict pairs/);
  });

  it('a reference of another architecture', async () => {
    const other = path.join(dir, 'other');
    const oc = gptConfig('tiny', { nLayer: 1 });
    saveCheckpoint(other, oc, initGPT(oc, 2), { tokenizer: 'byte' });
    await refused({ ref: other }, /the reference .* and the policy .*: nLayer differs \(2 vs 1\)/);
  });

  it('a reference of another tokenizer (the same shape, a BPE vocabulary), by the trainer and by the check a run makes before it is queued', async () => {
    const bpe = writeGpt2Folder(path.join(dir, 'bpe-ref'), { config: cfg });
    await refused(
      { ref: bpe },
      /^the reference .*bpe-ref was built on another tokenizer than the policy \(gpt2-bpe, 260 tokens, eos 259, vocabSize 512 vs byte, 262 tokens/,
    );
    expect(() => assertReferenceFits(init, bpe, { policy: 'the policy "p"', reference: '"r"' })).toThrow(
      /^the reference "r" was built on another tokenizer than the policy \(gpt2-bpe, 260 tokens/,
    );
    const other = path.join(dir, 'other-arch');
    const oc = gptConfig('tiny', { nHead: 4 });
    saveCheckpoint(other, oc, initGPT(oc, 2), { tokenizer: 'byte' });
    expect(() => assertReferenceFits(init, other, { policy: 'the policy "p"', reference: '"r"' })).toThrow(
      'the reference "r" and the policy "p": nHead differs (2 vs 4), so they are not the same model',
    );
    const same = path.join(dir, 'same-arch');
    saveCheckpoint(same, cfg, initGPT(cfg, 5), { tokenizer: 'byte' });
    expect(() => assertReferenceFits(init, same, { policy: 'the policy "p"', reference: '"r"' })).not.toThrow();
  });

  it('IPO with a margin', async () => {
    await refused({ lossType: 'ipo', margin: true }, /margin works with the sigmoid and cdpo losses/);
  });
});
