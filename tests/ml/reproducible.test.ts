// Same seed, same config → the same metrics and the same weights, to the bit, for every trainer,
// at the default thread count (2) and at a width where onnxruntime splits the embedding gradient
// across its threads (the shapes where ScatterND's add lost updates).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prng, trainLM, trainPPO, trainRewardModel, TRAIN_DEFAULTS, type RLProgress, type TrainProgress } from '../../ml/index';

const dir = mkdtempSync(path.join(tmpdir(), 'repro-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => path.join(dir, ...p);

// byte tokenizer (262 tokens), 128 positions, width 256: (8, 128) ids × 256 columns per embedding gradient
const model = { model: 'tiny' as const, modelOverrides: { vocabSize: 262, nCtx: 128, nEmbd: 256, nLayer: 1, nHead: 4 } };
const threads = TRAIN_DEFAULTS.threads;

/** The bytes of a checkpoint's weight files (model and optimizer state). */
const weights = (folder: string) => ['model.safetensors', 'optimizer.safetensors'].map((f) => readFileSync(path.join(folder, f)));

/** Runs `train` twice into two folders; returns the two event lists and the two folders. */
async function twice<E>(name: string, train: (out: string, onProgress: (e: E) => void) => Promise<unknown>): Promise<[E[], E[], string, string]> {
  const events: [E[], E[]] = [[], []];
  for (const k of [0, 1]) await train(at(`${name}-${k}`), (e) => events[k].push(e));
  return [events[0], events[1], at(`${name}-0`), at(`${name}-1`)];
}

function expectSameRun<E>(a: E[], b: E[], outA: string, outB: string) {
  expect(a.length).toBeGreaterThan(2);
  const strip = (e: E) => ({ ...e, tokensPerSec: 0, etaSec: 0, copyMs: undefined, cost: undefined, checkpoint: undefined }); // timings, memory and folders differ; figures must not
  expect(b.map(strip)).toEqual(a.map(strip));
  const [wa, wb] = [weights(outA), weights(outB)];
  expect(wa[0].equals(wb[0])).toBe(true);
  expect(wa[1].equals(wb[1])).toBe(true);
}

describe(`every trainer is reproducible at ${threads} threads`, () => {
  const rand = prng(3);
  const word = () => Array.from({ length: 2 + Math.floor(rand() * 5) }, () => 'abcdefgh'[Math.floor(rand() * 8)]).join('');
  writeFileSync(at('corpus.txt'), Array.from({ length: 4000 }, () => word()).join(' '));
  writeFileSync(at('sft.jsonl'), Array.from({ length: 48 }, (_, i) => JSON.stringify({ prompt: `w${i % 12}`, response: `${word()} ${word()}` })).join('\n'));
  writeFileSync(
    at('rankings.jsonl'),
    Array.from({ length: 32 }, (_, i) =>
      JSON.stringify({ prompt: `w${i % 12}`, responses: [word(), word() + '!', word() + '!!'], tiers: [[2], [1], [0]] }),
    ).join('\n'),
  );
  writeFileSync(at('prompts.jsonl'), Array.from({ length: 16 }, (_, i) => JSON.stringify({ prompt: `w${i}` })).join('\n'));
  const lm = { ...model, batchSize: 8, seqLen: 128, warmupSteps: 2, maxLr: 3e-3, minLr: 3e-4, evalBatches: 1, saveEvery: 0, seed: 5 };

  it('pretraining, then SFT, then a reward model, then PPO: each twice, the same figures and weights', async () => {
    const [p0, p1, base] = await twice<TrainProgress>('pretrain', (out, onProgress) =>
      trainLM({ ...lm, mode: 'pretrain', data: [at('corpus.txt')], out, steps: 8, evalEvery: 4 }, { onProgress }),
    );
    expectSameRun(p0, p1, base, at('pretrain-1'));
    expect(p0.filter((e) => e.event === 'eval')).toHaveLength(2);

    const [s0, s1, sft] = await twice<TrainProgress>('sft', (out, onProgress) =>
      trainLM({ ...lm, mode: 'sft', init: base, data: [at('sft.jsonl')], out, steps: 6, evalEvery: 3, valFraction: 0.2 }, { onProgress }),
    );
    expectSameRun(s0, s1, sft, at('sft-1'));

    const [r0, r1, rm] = await twice<RLProgress>('rm', (out, onProgress) =>
      trainRewardModel(
        { init: sft, data: [at('rankings.jsonl')], out, epochs: 1, batchSize: 4, seqLen: 64, maxLr: 1e-3, warmupSteps: 1, evalEvery: 4, seed: 5 },
        { onProgress },
      ),
    );
    expectSameRun(r0, r1, rm, at('rm-1'));

    const [o0, o1, ppo] = await twice<RLProgress>('ppo', (out, onProgress) =>
      trainPPO(
        { policy: sft, reward: rm, prompts: [at('prompts.jsonl')], out, iterations: 2, rolloutBatch: 8, miniBatch: 4, ppoEpochs: 1, maxNewTokens: 12, seed: 5 },
        { onProgress },
      ),
    );
    expectSameRun(o0, o1, ppo, at('ppo-1'));
    expect(o0.filter((e) => e.event === 'step')).toHaveLength(2);
  }, 600_000); // eight training runs: about 10 s on two quiet cores, minutes on busy ones
});
