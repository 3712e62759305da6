// The reward model and PPO under THE truncation policy: the reward model kept the LAST tokens
// (cutting bos and the role marker away, and disagreeing with SFT); PPO refused any prompt too
// long for maxNewTokens. Both now cut prompts from the left with the markers intact, and report it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteTokenizer, chatDataset, loadRewardData, resolvePPOConfig, resolveRewardConfig, setupPPO, trainRewardModel, type RLProgress } from '../../ml/index';
import { initGPT, saveRewardModel } from '../../ml/index';
import { randomPolicy, TINY } from './ppo-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'trunc-rlhf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tok = new ByteTokenizer();
const [USER, ASSISTANT] = [260, 261];
const file = (name: string, lines: unknown[]) => {
  const f = path.join(dir, name);
  writeFileSync(f, lines.map((l) => JSON.stringify(l)).join('\n'));
  return f;
};
const QUESTION = 'Which of these colours is the warmest one of all?'; // 50 bytes
let init = '';
beforeAll(() => {
  init = randomPolicy(path.join(dir, 'init')); // byte tokenizer, nCtx 32
});

describe('the reward model under the truncation policy', () => {
  it('agrees with SFT: the same prompt and answer at the same length give the same tokens, starting with bos and the user marker', () => {
    const answer = 'red, by far';
    const seqLen = 30;
    const rm = loadRewardData(
      resolveRewardConfig({ init, data: [file('pair.jsonl', [{ prompt: QUESTION, chosen: answer, rejected: 'blue' }])], format: 'pairs', valFraction: 0 }),
      tok,
      { field: 'seqLen', value: seqLen },
    );
    const rmSeq = rm.train[0].seqs[0];
    expect(rmSeq).toHaveLength(seqLen);
    expect(rmSeq.slice(0, 2)).toEqual([tok.bos, USER]);
    expect(rmSeq.slice(-(answer.length + 2))).toEqual([ASSISTANT, ...tok.encode(answer), tok.eos]); // the whole answer and its eos

    // SFT at seqLen − 1 positions holds the same seqLen tokens: rebuild them from a batch's inputs and targets
    const b = chatDataset(
      tok,
      [
        [
          { role: 'user', content: QUESTION },
          { role: 'assistant', content: answer },
        ],
      ],
      1,
      { seqLen: seqLen - 1, overlong: 'skip' },
    ).batch(1, seqLen - 1, 0, 0);
    const sftSeq = [Number(b.input_ids[0]), ...Array.from(b.targets, Number)];
    expect(sftSeq).toEqual(rmSeq);
    expect(b.tokens).toBe(answer.length + 1);
  });

  it('a ranking keeps one prompt for its answers; an overlong answer is skipped with its comparisons and counted', () => {
    const long = 'orange, because it sits between red and yellow'; // 46 bytes: no room beside the 4 markers at 40
    const data = file('ranking.jsonl', [
      { prompt: QUESTION, responses: ['red', long, 'blue', 'green'], ranking: 'A > B > C > D' },
      { prompt: 'Hot or cold?', responses: ['hot', 'cold'], ranking: 'A > B' },
    ]);
    const rc = resolveRewardConfig({ init, data: [data], valFraction: 0 });
    const d = loadRewardData(rc, tok, { field: 'seqLen', value: 40 });
    const [g, small] = d.train.sort((a, b) => b.seqs.length - a.seqs.length);
    expect(g.seqs).toHaveLength(3); // B left out
    expect(g.pairs.map((p) => [p.win, p.lose, p.margin])).toEqual([
      [0, 1, 2],
      [0, 2, 3],
      [1, 2, 1],
    ]); // A>C, A>D, C>D renumbered
    const prompt = (s: number[]) => s.slice(0, s.lastIndexOf(ASSISTANT) + 1);
    expect(new Set(g.seqs.map((s) => prompt(s).join()))).toHaveProperty('size', 1); // one cut prompt for all
    expect(Math.max(...g.seqs.map((s) => s.length))).toBe(40); // sized for the longest kept answer ("green")
    expect(small.seqs.map((s) => s.length)).toEqual([2 + 12 + 2 + 4, 2 + 12 + 2 + 5]); // fits whole
    expect(d.stats).toEqual({
      unit: 'responses',
      examples: 6,
      promptShortened: 3,
      responseTruncated: 0,
      skipped: 1,
      responseTokensDropped: long.length + 1,
      longest: 4 + QUESTION.length + long.length + 1,
    });

    // truncating instead keeps B, cut at its end beside the minimal prompt, and every answer gets that minimal prompt
    const t = loadRewardData(resolveRewardConfig({ init, data: [data], valFraction: 0, overlong: 'truncate' }), tok, { field: 'seqLen', value: 40 });
    const big = t.train.find((x) => x.seqs.length === 4)!;
    expect(prompt(big.seqs[1])).toEqual([tok.bos, USER, tok.eos, ASSISTANT]);
    expect(big.seqs[1].slice(4)).toEqual(tok.encode(long).slice(0, 36));
    expect(t.stats).toMatchObject({ promptShortened: 4, responseTruncated: 1, skipped: 0, responseTokensDropped: long.length + 1 - 36 });
  });

  it('reports the counts before the first step, and refuses when too many answers would be lost', async () => {
    const long = 'x'.repeat(40);
    const rankings = Array.from({ length: 4 }, (_, i) => ({
      prompt: `question ${i}`,
      responses: [`answer ${i}`, i < 2 ? long : `other ${i}`],
      ranking: 'A > B',
    }));
    const data = file('rm.jsonl', rankings);
    const events: RLProgress[] = [];
    // 2 of 8 answers (25%) do not fit: as many as the default maxOverlongShare allows
    await trainRewardModel({ init, data: [data], out: path.join(dir, 'rm'), valFraction: 0, worker: false }, { onProgress: (p) => events.push(p) });
    expect(events[0]).toMatchObject({
      event: 'data',
      metrics: { data_examples: 8, data_prompt_shortened: 0, data_response_truncated: 0, data_skipped: 2, data_response_tokens_dropped: 82 },
    });
    expect(events[0].line).toBe(
      'warning: reward-model data at the model context nCtx 32: of 8 responses, 2 were skipped; 82 response tokens dropped (the longest needs the model context nCtx 55)',
    );
    expect(events.filter((e) => e.event === 'step').length).toBeGreaterThan(0);

    const out = path.join(dir, 'rm-refused');
    const seen: RLProgress[] = [];
    await expect(
      trainRewardModel({ init, data: [data], out, valFraction: 0, maxOverlongShare: 0.2, worker: false }, { onProgress: (p) => seen.push(p) }),
    ).rejects.toThrow(
      /^reward-model data: 2 of 8 responses \(25%\) would lose response tokens at the model context nCtx 32, more than maxOverlongShare 20% allows; raise the model context nCtx to 55 \(what the longest needs\) or maxOverlongShare$/,
    );
    expect(seen).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });
});

describe('PPO prompts under the truncation policy', () => {
  it('cuts a prompt too long for maxNewTokens from the left, drops its earliest turns first, and reports it', () => {
    const prompts = file('prompts.jsonl', [
      { prompt: 'short' },
      {
        messages: [
          { role: 'user', content: 'an earlier question' },
          { role: 'assistant', content: 'an answer' },
          { role: 'user', content: 'and now this one please' },
        ],
      },
    ]);
    const s = setupPPO(resolvePPOConfig({ policy: init, prompts: [prompts], out: path.join(dir, 'ppo'), maxNewTokens: 8, rolloutBatch: 2, miniBatch: 2 }), {
      rewardHook: true,
    });
    expect(s.prompts[0]).toEqual([tok.bos, USER, ...tok.encode('short'), tok.eos, ASSISTANT]);
    expect(s.prompts[1]).toHaveLength(TINY.nCtx - 8); // 24 tokens: the earlier turns go, the last question loses its start
    expect(s.prompts[1].slice(0, 2)).toEqual([tok.bos, USER]);
    expect(tok.decode(s.prompts[1])).toBe('and now this one please'.slice(-(24 - 4)));
    expect(s.T).toBe(24 + 8 - 1);
    expect(s.data[0]).toMatchObject({
      event: 'data',
      metrics: { data_examples: 2, data_prompt_shortened: 1, data_skipped: 0, data_response_tokens_dropped: 0 },
    });
    expect(s.data[0].line).toBe(
      'warning: PPO prompts at nCtx − maxNewTokens 24: of 2 prompts, 1 had the prompt shortened from the left (the longest needs nCtx − maxNewTokens 59)',
    );
  });

  it('leaves room for the eos the scorer adds to a response cut at maxNewTokens, so the reward model keeps bos', () => {
    // a response that runs to maxNewTokens is scored as prompt + response + eos: one token more than
    // the policy generated. With the reward model's context equal to the policy's, the prompt must leave
    // maxNewTokens + 1 free there, or the scorer's cut (it keeps the last nCtx tokens) drops bos.
    const rm = path.join(dir, 'rm-same-ctx');
    const head = { weight: new Float32Array(TINY.nEmbd), bias: Float32Array.of(0) };
    saveRewardModel(rm, TINY, initGPT(TINY, 3), head, { shift: 0, scale: 1 }, { tokenizer: 'byte' });
    const prompts = file('long-prompt.jsonl', [{ prompt: QUESTION }]);
    const s = setupPPO(
      resolvePPOConfig({ policy: init, reward: rm, prompts: [prompts], out: path.join(dir, 'ppo-rm'), maxNewTokens: 8, rolloutBatch: 2, miniBatch: 2 }),
      { rewardHook: false },
    );
    const scored = s.prompts[0].length + 8 + 1; // prompt + a response cut at maxNewTokens + the eos the scorer adds
    expect(scored).toBeLessThanOrEqual(TINY.nCtx);
    expect(s.prompts[0].slice(0, 2)).toEqual([tok.bos, USER]);
  });
});
