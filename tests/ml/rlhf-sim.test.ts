// The RLHF benchmark's simulation (bench/rlhf): the hidden oracle, the calibrated labelers, and
// their rankings in the app's whole-ranking export layout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agreement,
  calibrateNoise,
  Labeler,
  oracleVsLabeler,
  rankingLine,
  relations,
  TARGET_AGREEMENT,
  tiersOf,
  type ScoredGroup,
} from '../../bench/rlhf/labelers';
import { judge, oracleCompare, solve, styled } from '../../bench/rlhf/oracle';
import { demonstrations, webText } from '../../bench/rlhf/people';
import { blindEdit, deepenDecoder, pmpRankings } from '../../bench/rlhf/preference-pretraining';
import { promptIds, responseLogprob } from '../../bench/rlhf/policy';
import { heldOutOverlap, parseTask, promptSets, promptsIn } from '../../bench/rlhf/tasks';
import { parseSeeds } from '../../bench/rlhf/seeds';
import { LAYOUTS } from '../../lib/exports/layouts';
import { ByteTokenizer, gptConfig, initGPT, prng, readRankings, saveCheckpoint } from '../../ml/index';

/** Groups like a policy's K = 4 samples: a mix of correct, styled, near-miss and far-off answers (some identical). */
function sampleGroups(n: number, seed: number): ScoredGroup[] {
  const rand = prng(seed);
  const tasks = promptSets(seed, { t: n }).t;
  return tasks.map((t) => {
    const texts = Array.from({ length: 4 }, () => {
      const right = solve(t);
      const r = rand();
      const answer = r < 0.35 ? right : r < 0.7 ? right.slice(1) : 'x'.repeat(1 + Math.floor(rand() * 6));
      return rand() < 0.25 ? styled(answer) : answer;
    });
    return { texts, scores: texts.map((x) => judge(t.prompt, x).score) };
  });
}

describe('the oracle', () => {
  it('solves the task family', () => {
    expect(solve(parseTask('reverse abcd'))).toBe('dcba');
    expect(solve(parseTask('sort dcab'))).toBe('abcd');
    expect(solve(parseTask('double ab'))).toBe('abab');
    expect(() => parseTask('translate abc')).toThrow(/not a prompt/);
  });

  it('scores correct answers above wrong ones, then the stated style, then closeness', () => {
    const p = 'reverse abcd';
    const s = (r: string) => judge(p, r).score;
    expect(judge(p, 'dcba')).toMatchObject({ correct: true, styled: false });
    expect(judge(p, 'dcba.')).toMatchObject({ correct: true, styled: true });
    expect(s('dcba.')).toBeGreaterThan(s('dcba')); // style second
    expect(s('dcba')).toBeGreaterThan(s('dcb.')); // correctness first, even against style
    expect(s('dcba')).toBeGreaterThan(s('abcd.'));
    expect(s('zzzz.')).toBeGreaterThan(s('dcb')); // among wrong answers, style before closeness
    expect(s('dcb')).toBeGreaterThan(s('zzzz')); // closeness last
    expect(s('dcba ')).toBeLessThan(s('dcba')); // exactly the answer
    expect(oracleCompare(p, 'dcba.', 'dcba')).toBe(1);
    expect(oracleCompare(p, 'dcb', 'dcba.')).toBe(-1);
    expect(oracleCompare(p, 'dcba', 'dcba')).toBe(0);
  });

  it('demonstrations are always correct and styled only sometimes', () => {
    const tasks = promptSets(3, { d: 400 }).d;
    const js = demonstrations(tasks, 5, 0.2).map((line) => {
      const { messages } = JSON.parse(line) as { messages: Array<{ role: string; content: string }> };
      return judge(messages[0].content, messages[1].content);
    });
    expect(js.every((j) => j.correct)).toBe(true);
    const styledFrac = js.filter((j) => j.styled).length / js.length;
    expect(styledFrac).toBeGreaterThan(0.12);
    expect(styledFrac).toBeLessThan(0.28);
  });

  it('draws disjoint prompt sets', () => {
    const sets = promptSets(7, { a: 300, b: 300 });
    const a = new Set(sets.a.map((t) => t.prompt));
    expect(a.size).toBe(300);
    expect(sets.b.some((t) => a.has(t.prompt))).toBe(false);
  });
});

describe('held-out prompts', () => {
  it('the web text never holds a held-out prompt, and the overlap check finds one that is there', () => {
    const heldOut = promptSets(5, { eval: 400 }).eval;
    const held = new Set(heldOut.map((t) => t.prompt));
    // 40,000 notes over a family of 33,300 prompts: without the exclusion most held-out prompts appear
    const open = webText(40000, 7, 0.15);
    expect(heldOutOverlap(heldOut, [open]).length).toBeGreaterThan(300);
    const text = webText(40000, 7, 0.15, held);
    expect(heldOutOverlap(heldOut, [text])).toEqual([]);
    expect(promptsIn(text).size).toBeGreaterThan(10000);
    // a prompt inside JSON, and a longer prompt that merely starts with a held-out one
    const p = heldOut[0].prompt;
    expect(heldOutOverlap(heldOut, [JSON.stringify({ prompt: [{ role: 'user', content: p }] })])).toEqual([p]);
    expect(heldOutOverlap([parseTask('sort ab')], ['Q: sort abc\nA: abc'])).toEqual([]);
  });

  it('--seeds takes a list of distinct non-negative integers', () => {
    expect(parseSeeds('1,2,3')).toEqual([1, 2, 3]);
    expect(() => parseSeeds('1,x')).toThrow(/non-negative integers/);
    expect(() => parseSeeds('1,1')).toThrow(/twice/);
    expect(() => parseSeeds('')).toThrow(/non-negative integers/);
  });
});

describe('the simulated labelers', () => {
  it('calibrated noise gives about 73% pairwise agreement between two labelers', () => {
    const sigma = calibrateNoise(sampleGroups(400, 11), 1);
    expect(sigma).toBeGreaterThan(0);
    // measured on fresh score sets with fresh labelers
    const measured = agreement(sigma, sampleGroups(600, 12), 99);
    expect(Math.abs(measured - TARGET_AGREEMENT)).toBeLessThan(0.03);
    // more noise, less agreement; none, (nearly) full agreement
    expect(agreement(sigma * 3, sampleGroups(600, 12), 99)).toBeLessThan(measured - 0.05);
    expect(agreement(0, sampleGroups(600, 12), 99)).toBe(1);
    // the noise ceiling: the oracle agrees with a noisy labeler more often than another labeler does
    const l = new Labeler('x', sigma, 5);
    const ranked = sampleGroups(600, 13).map((g) => ({ scores: g.scores, tiers: l.rank(g).tiers }));
    expect(oracleVsLabeler(ranked)).toBeGreaterThan(measured);
  });

  it('ties answers whose noisy scores are close, and identical answers always', () => {
    expect(tiersOf([0.5, 1.25, 0.51, 0])).toEqual([[1], [0, 2], [3]]);
    const noisy = new Labeler('x', 1, 3);
    for (let i = 0; i < 20; i++) {
      const { tiers } = noisy.rank({ texts: ['ab', 'ba', 'ab', 'b'], scores: [1, 0.1, 1, 0.05] });
      expect(tiers.some((t) => t.includes(0) && t.includes(2))).toBe(true);
    }
    expect(relations([[1], [0, 2], [3]], 4)[0]).toEqual([0, -1, 0, 1]);
  });

  it("writes rankings with ties in the app's whole-ranking export layout, which the reward model reads", () => {
    const labeler = new Labeler('labeler-1', 0, 1);
    const prompt = 'reverse abc';
    const responses = ['cba', 'cba.', 'cb', 'cba'];
    const { tiers, noisy } = labeler.rank({ texts: responses, scores: responses.map((r) => judge(prompt, r).score) });
    const row = rankingLine(prompt, responses, tiers, noisy, labeler, 30000);
    // every column but those only some rows have (ratings, rationale, strength and its margin)
    expect(Object.keys(row).sort()).toEqual(
      LAYOUTS.rankings.conversational.fields
        .filter((f) => !('optional' in f))
        .map((f) => f.name)
        .sort(),
    );
    expect(row.ranking).toBe('B > A = D > C');
    expect(row.tiers).toEqual([[1], [0, 3], [2]]);
    expect(row.prompt).toEqual([{ role: 'user', content: prompt }]);
    expect(row.likert).toHaveLength(4);
    const dir = mkdtempSync(path.join(tmpdir(), 'rlhf-sim-'));
    try {
      const file = path.join(dir, 'rankings.jsonl');
      writeFileSync(file, JSON.stringify(row) + '\n');
      const [group] = readRankings([file], new ByteTokenizer(), { includeTies: false });
      expect(group.pairs).toHaveLength(5); // C(4,2) = 6 comparisons, less the tie A = D
      expect(group.pairs.some((p) => p.win === 1 && p.lose === 2)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the reward model's starting point", () => {
  it('a deepened decoder computes exactly what the one it came from computes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rlhf-deepen-'));
    try {
      const tok = new ByteTokenizer();
      const config = gptConfig('tiny', { vocabSize: 262, nCtx: 32, nEmbd: 32, nLayer: 2, nHead: 2 });
      saveCheckpoint(path.join(dir, 'small'), config, initGPT(config, 3), { tokenizer: 'byte', bos: tok.bos, eos: tok.eos });
      const deep = deepenDecoder(path.join(dir, 'small'), path.join(dir, 'deep'), 2, 9);
      const prompts = ['reverse abc', 'sort ba'].map(promptIds);
      const responses = [
        [...tok.encode('cba.'), tok.eos],
        [...tok.encode('ab'), tok.eos],
      ];
      const [a, b] = [await responseLogprob(path.join(dir, 'small'), prompts, responses, 2), await responseLogprob(deep, prompts, responses, 2)];
      a.forEach((x, i) => expect(b[i]).toBeCloseTo(x, 4));
      expect(() => deepenDecoder(path.join(dir, 'small'), path.join(dir, 'x'), -1, 1)).toThrow(/non-negative/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pretraining comparisons rank each web answer above distinct blind edits of it, in the layout the reward model reads', () => {
    const text = webText(50, 4, 0.15);
    const lines = pmpRankings(text, 40, 3, 8);
    expect(lines).toHaveLength(40);
    const first = JSON.parse(lines[0]) as { prompt: Array<{ content: string }>; responses: string[]; tiers: number[][] };
    expect(text.startsWith(`Q: ${first.prompt[0].content}\nA: ${first.responses[0].replace(/\.$/, '')}\n`)).toBe(true);
    let stopped = 0;
    for (const line of lines) {
      const row = JSON.parse(line) as { responses: string[]; tiers: number[][] };
      expect(new Set(row.responses).size).toBe(row.responses.length);
      expect(row.tiers[0]).toEqual([0]);
      const ends = new Set(row.responses.map((x) => x.endsWith('.')));
      expect(ends.size).toBe(1); // the ending never separates the answer from its edits
      if (ends.has(true)) stopped++;
    }
    expect(stopped).toBeGreaterThan(3);
    expect(stopped).toBeLessThan(25);
    const rand = prng(2);
    for (let i = 0; i < 200; i++) expect(blindEdit('abcd', rand)).not.toBe('abcd');
    const dir = mkdtempSync(path.join(tmpdir(), 'rlhf-pmp-'));
    try {
      writeFileSync(path.join(dir, 'pmp.jsonl'), lines.join('\n') + '\n');
      const groups = readRankings([path.join(dir, 'pmp.jsonl')], new ByteTokenizer(), { includeTies: false });
      expect(groups).toHaveLength(40);
      expect(groups.every((g) => g.pairs.length === g.seqs.length - 1 && g.pairs.every((p) => p.win === 0))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => pmpRankings(text, 60, 3, 8)).toThrow(/fewer than/);
  });
});
