import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gptConfig, initGPT, saveCheckpoint, trainRewardModel, type RewardConfig } from '../../ml/index';

// Every bad input is refused with one sentence naming the file and line (or the field),
// before any training starts: no progress event, no output folder.
const dir = mkdtempSync(path.join(tmpdir(), 'rm-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = gptConfig('tiny');
const init = path.join(dir, 'init');
const out = path.join(dir, 'out');
const file = (name: string, lines: unknown[]) => {
  const f = path.join(dir, name);
  writeFileSync(f, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return f;
};
const good = { prompt: 'p', responses: ['a', 'b', 'c'], tiers: [[2], [0, 1]] };

beforeAll(() => saveCheckpoint(init, cfg, initGPT(cfg, 1), { tokenizer: 'byte' }));

async function refused(config: Partial<RewardConfig>, message: RegExp): Promise<void> {
  let events = 0;
  await expect(trainRewardModel({ init, out, ...config }, { onProgress: () => events++ })).rejects.toThrow(message);
  expect(events).toBe(0);
  expect(existsSync(out)).toBe(false);
}

describe('trainRewardModel refuses bad input before training', () => {
  it('a ranking whose tiers or ranking name a response that does not exist', async () => {
    const f = file('bad-tiers.jsonl', [good, { ...good, tiers: [[0], [3], [1, 2]] }]);
    await refused({ data: [f] }, /bad-tiers\.jsonl line 2: the tiers name response 3, but the line has 3 responses \(0 to 2\)$/);
    const g = file('bad-ranking.jsonl', [{ prompt: 'p', responses: ['a', 'b'], ranking: 'A > C' }]);
    await refused({ data: [g] }, /bad-ranking\.jsonl line 1: the ranking "A > C" names "C", but the line has 2 responses \(A to B\)$/);
    const h = file('twice.jsonl', [{ ...good, tiers: [[0], [0, 1, 2]] }]);
    await refused({ data: [h] }, /twice\.jsonl line 1: the tiers name response 0 twice$/);
  });

  it('an empty training set (every ranking a tie)', async () => {
    const f = file('ties.jsonl', [
      { ...good, tiers: [[0, 1, 2]] },
      { ...good, ranking: 'A = B = C', tiers: undefined },
    ]);
    await refused({ data: [f] }, /^training data .*ties\.jsonl: no strict comparisons \(rankings with every answer tied give none\) to train on$/);
    const p = file('tie-pairs.jsonl', [{ prompt: 'p', chosen: 'a', rejected: 'b', margin: 0 }]);
    await refused({ data: [p], format: 'pairs' }, /^training data .*tie-pairs\.jsonl: no preference pairs \(ties, margin 0, give none\) to train on$/);
  });

  it('a data file that is not JSONL of the format asked', async () => {
    await refused(
      { data: [file('text.jsonl', [good, 'just some text'])] },
      /text\.jsonl line 2 is not JSON: the file should be JSONL, one JSON object per line$/,
    );
    await refused({ data: [file('array.jsonl', [[good]])] }, /array\.jsonl line 1 is not a JSON object/);
    const pairs = file('pairs.jsonl', [{ prompt: 'p', chosen: 'a', rejected: 'b' }]);
    await refused({ data: [pairs] }, /pairs\.jsonl line 1 is a preference pair \(prompt\/chosen\/rejected\), not a whole ranking: set format to "pairs"$/);
    await refused({ data: [file('ranks.jsonl', [good])], format: 'pairs' }, /ranks\.jsonl line 1 is a whole ranking .*set format to "rankings"$/);
    await refused({ data: [pairs], format: 'pairs', margin: true }, /pairs\.jsonl line 1: margin is on but the line has no "margin" >= 0$/);
    const msgs = file('msgs.jsonl', [{ prompt: [{ role: 'robot', content: 'x' }], chosen: 'a', rejected: 'b' }]);
    await refused({ data: [msgs], format: 'pairs' }, /msgs\.jsonl line 1: "prompt" should be a string or a non-empty list of \{role/);
    await refused({ data: [path.join(dir, 'missing.jsonl')] }, /data file .*missing\.jsonl cannot be read/);
    await refused(
      { data: [file('ok.jsonl', [good, good])], normData: [file('ref.jsonl', [{ text: 'x' }])] },
      /ref\.jsonl line 1 has neither "messages" nor "prompt" with "response"/,
    );
  });

  it('an init folder whose tokenizer does not fit the model', async () => {
    const data = [file('ok2.jsonl', [good, good])];
    const otherEos = path.join(dir, 'other-eos');
    saveCheckpoint(otherEos, cfg, initGPT(cfg, 1), { tokenizer: 'byte', eos: 50 });
    await refused(
      { data, init: otherEos },
      /init folder .*other-eos: config.json has eos_token_id 50 but its byte tokenizer's is 257, so the model was trained with another tokenizer$/,
    );
    const small = gptConfig('tiny', { vocabSize: 200 });
    const narrow = path.join(dir, 'narrow');
    saveCheckpoint(narrow, small, initGPT(small, 1), { tokenizer: 'byte' });
    await refused({ data, init: narrow }, /init folder .*narrow: its byte tokenizer has 262 tokens but the model embeds only 200$/);
    const none = path.join(dir, 'none');
    saveCheckpoint(none, cfg, initGPT(cfg, 1));
    await refused({ data, init: none }, /init folder .*none has no tokenizer the data can be encoded with/);
  });

  it('config values out of range, naming the field', async () => {
    const data = [file('ok3.jsonl', [good, good])];
    await refused({ data, batchSize: 0 }, /^reward-model config: batchSize must be an integer >= 1, got 0$/);
    await refused({ data, valFraction: 1 }, /reward-model config: valFraction must be in \[0, 1\), got 1/);
    await refused({ data, format: 'triples' as 'pairs' }, /reward-model config: format must be "rankings" or "pairs"/);
    await refused({ data, centerCoef: -1 }, /reward-model config: centerCoef must be >= 0/);
    await refused({ data, minLr: 1 }, /reward-model config: minLr must be in \[0, maxLr\]/);
    await refused({ data, init: '' }, /reward-model config: init must name a decoder model folder/);
    await refused({ data: [] }, /reward-model config: data must name at least one file/);
    await refused({ data, seqLen: 100 }, /seqLen 100 exceeds the model's context nCtx = 64/);
    await refused({ data, ...({ steps: 3 } as object) }, /reward-model config: unknown field "steps"/);
  });
});
