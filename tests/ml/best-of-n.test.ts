import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bestOfN,
  bestOfNDistill,
  ByteTokenizer,
  encodeChat,
  Generator,
  initGPT,
  loadCheckpoint,
  prng,
  readChatExamples,
  RewardScorer,
  saveRewardModel,
} from '../../ml/index';
import { randomPolicy, TINY } from './ppo-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'bon-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tok = new ByteTokenizer();
let policy = '';
let reward = '';
const prompts = path.join(dir, 'prompts.jsonl');

beforeAll(() => {
  policy = randomPolicy(path.join(dir, 'policy'));
  reward = path.join(dir, 'rm');
  const r = prng(5);
  saveRewardModel(
    reward,
    TINY,
    initGPT(TINY, 9),
    { weight: Float32Array.from({ length: TINY.nEmbd }, () => r() - 0.5), bias: Float32Array.of(0) },
    { shift: 0, scale: 0.1 },
    { tokenizer: 'byte', bos: tok.bos, eos: tok.eos },
  );
  writeFileSync(prompts, ['hi', 'name a colour', 'count', 'why'].map((p) => JSON.stringify({ prompt: p })).join('\n'));
});

describe('best-of-N', () => {
  it('keeps, for each prompt, the answer the reward model scores highest among N samples; N = 1 is a plain sample', async () => {
    const gen = await Generator.create(TINY, loadCheckpoint(policy).params, { intraOpThreads: 1 });
    const scorer = await RewardScorer.load(reward, { intraOpThreads: 1 });
    const ids = ['hi', 'why', 'count'].map((p) => encodeChat(tok, [{ role: 'user', content: p }], { addGenerationPrompt: true }).ids);
    const picks = await bestOfN(gen, scorer, ids, { n: 8, maxNewTokens: 6, temperature: 1, seed: 3, batchPrompts: 2 });
    expect(picks.map((p) => p.index)).toEqual([0, 1, 2]);
    for (const p of picks) {
      expect(p.scores).toHaveLength(8);
      expect(p.score).toBe(Math.max(...p.scores));
      // the kept score is the scorer's score of the kept answer
      const [again] = await scorer.score([[...ids[p.index], ...p.tokens, ...(p.finished ? [] : [tok.eos])]]);
      expect(again).toBeCloseTo(p.score, 4);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(picks.map((p) => p.score))).toBeGreaterThan(mean(picks.flatMap((p) => p.scores)));
    const one = await bestOfN(gen, scorer, ids, { n: 1, maxNewTokens: 6, temperature: 1, seed: 3 });
    expect(one.every((p) => p.scores.length === 1 && p.score === p.scores[0])).toBe(true);
    await expect(bestOfN(gen, scorer, ids, { n: 0, maxNewTokens: 6, temperature: 1, seed: 3 })).rejects.toThrow('best-of-N: n must be an integer >= 1, got 0');
    await gen.dispose();
    await scorer.dispose();
  });

  it('distillation writes SFT demonstrations: one {messages} line per prompt, ending with the kept answer', async () => {
    const out = path.join(dir, 'bon.jsonl');
    const r = await bestOfNDistill({ policy, reward, prompts: [prompts], out, n: 4, maxNewTokens: 6, temperature: 1, seed: 1, threads: 1 });
    expect(r.lines).toBe(4);
    expect(r.meanBest).toBeGreaterThanOrEqual(r.meanSample);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[1].messages[0]).toEqual({ role: 'user', content: 'name a colour' });
    expect(lines[1].messages.at(-1).role).toBe('assistant');
    expect(readChatExamples([out])).toHaveLength(4); // the SFT trainer reads it
  });
});
