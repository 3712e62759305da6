// The RLHF trainers (reward model, DPO, PPO in its worker thread) await the caller's beforeSave
// before each checkpoint, after every step event of that checkpoint has reached the caller: a run
// page stores its metrics there, so a worker killed right after a checkpoint has lost none of the
// steps the checkpoint holds. (They used to flush after the save event, unawaited.)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gptConfig, initGPT, prng, saveCheckpoint, trainDPO, trainPPO, trainRewardModel, type RLProgress, type RewardSample } from '../../ml/index';
import { writePrompts } from './ppo-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'before-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = gptConfig('tiny', { vocabSize: 262, nCtx: 32, nLayer: 1 });
const init = path.join(dir, 'init');
const rankings = path.join(dir, 'rankings.jsonl');
let prompts = '';

beforeAll(() => {
  saveCheckpoint(init, cfg, initGPT(cfg, 1), { tokenizer: 'byte', bos: 256, eos: 257 });
  const r = prng(5);
  const word = () => Array.from({ length: 2 + Math.floor(r() * 4) }, () => 'abcdef'[Math.floor(r() * 6)]).join('');
  const lines = Array.from({ length: 48 }, (_, i) =>
    JSON.stringify({ prompt: `p${i % 12}`, responses: [word() + '!!', word() + '!', word()], tiers: [[0], [1], [2]] }),
  );
  writeFileSync(rankings, lines.join('\n'));
  prompts = writePrompts(path.join(dir, 'prompts.jsonl'), 8);
});

/**
 * Hooks that log what the caller saw, in order: "step N" for each step event, "flush" when
 * beforeSave runs (it waits a little, as a database write does), "save N" for each save event.
 */
function recorder() {
  const log: string[] = [];
  return {
    log,
    onProgress: (p: RLProgress) => {
      if (p.event === 'step' || p.event === 'save') log.push(`${p.event} ${p.step}`);
    },
    beforeSave: async () => {
      log.push('flush');
      await new Promise((r) => setTimeout(r, 20));
      log.push('flushed');
    },
  };
}

/** Each save event comes right after a completed flush, and that flush came after the step event of the saved step. */
function expectFlushedBeforeEachSave(log: string[], saves: number) {
  const at = log.flatMap((e, i) => (e.startsWith('save ') ? [i] : []));
  expect(at).toHaveLength(saves);
  for (const i of at) {
    const step = log[i]!.slice('save '.length);
    expect(log.slice(i - 2, i)).toEqual(['flush', 'flushed']);
    expect(log.slice(0, i - 2)).toContain(`step ${step}`);
    expect(log.slice(i - 2)).not.toContain(`step ${step}`);
  }
}

describe('beforeSave: the caller stores the metrics before each checkpoint', () => {
  it('reward model', async () => {
    const h = recorder();
    await trainRewardModel({ init, data: [rankings], out: path.join(dir, 'rm'), epochs: 1, batchSize: 8, saveEvery: 2, seed: 1 }, h);
    expectFlushedBeforeEachSave(h.log, 3); // steps 2 and 4, and the final one at 6
  }, 120_000);

  it('DPO', async () => {
    const h = recorder();
    await trainDPO({ init, data: [rankings], out: path.join(dir, 'dpo'), epochs: 1, batchSize: 8, saveEvery: 2, klPrompts: 0, seed: 1 }, h);
    expectFlushedBeforeEachSave(h.log, 3);
  }, 120_000);

  it('PPO, whose loop runs in a worker thread and asks the caller over its channel', async () => {
    const h = recorder();
    const reward = async (samples: RewardSample[]) => samples.map((s) => s.response.length);
    await trainPPO(
      {
        policy: init,
        prompts: [prompts],
        out: path.join(dir, 'ppo'),
        iterations: 4,
        saveEvery: 2,
        rolloutBatch: 8,
        miniBatch: 8,
        ppoEpochs: 1,
        maxNewTokens: 4,
        seed: 1,
      },
      { ...h, reward },
    );
    expectFlushedBeforeEachSave(h.log, 2);
  }, 120_000);
});
