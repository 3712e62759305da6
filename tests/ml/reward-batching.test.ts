import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batchShape,
  ByteTokenizer,
  gptConfig,
  groupFeeds,
  initGPT,
  initParams,
  pairMetrics,
  readPairs,
  readRankings,
  rewardInput,
  rewardLossGraph,
  StateRunner,
  type RewardGroup,
} from '../../ml/index';
import { nums } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'rm-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tok = new ByteTokenizer();
const cfg = gptConfig('tiny');
const T = 24;
const RESPONSES = ['first answer', 'second', 'a third one', 'fourth!'];

/** The graph's loss and rewards for `groups` in one batch of `slots` groups (a tiny random model, random head). */
async function lossOf(groups: RewardGroup[], slots: number, o = { margin: false, centerCoef: 0 }) {
  const shape = batchShape(groups, slots, T);
  const m = rewardLossGraph(cfg, shape, o);
  const rt = new StateRunner();
  await rt.load('loss', m.graph.toModel({ outputs: { loss: m.loss, rewards: m.rewards } }));
  await rt.setState({
    ...initGPT(cfg, 3),
    ...initParams(
      m.graph.paramList.filter((s) => s.name.startsWith('score.')),
      5,
    ),
  });
  const out = await rt.run('loss', groupFeeds(groups, shape, { pad: tok.pad, margin: o.margin, center: o.centerCoef > 0 }));
  await rt.dispose();
  return { loss: out.loss[0] as number, rewards: nums(out.rewards) };
}

describe('reward-model batching', () => {
  // A ranking of K = 4: A > B = C > D. Strict comparisons: A>B, A>C, A>D, B>D, C>D (the tie B = C gives none).
  const ranking = JSON.stringify({ prompt: 'Name a colour.', responses: RESPONSES, ranking: 'A > B = C > D', tiers: [[0], [1, 2], [3]] });
  const strict = [
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 3],
    [2, 3],
  ];

  it('reads a ranking into its strict comparisons with tier-distance margins; ties only with includeTies', () => {
    writeFileSync(path.join(dir, 'r.jsonl'), `${ranking}\n`);
    const [g] = readRankings([path.join(dir, 'r.jsonl')], tok, { includeTies: false });
    expect(g.pairs.map((p) => [p.win, p.lose])).toEqual(strict);
    expect(g.pairs.map((p) => p.margin)).toEqual([1, 1, 2, 1, 1]);
    expect(g.seqs[1]).toEqual(rewardInput(tok, 'Name a colour.', 'second'));
    expect(g.seqs[1].at(-1)).toBe(tok.eos);
    const [withTies] = readRankings([path.join(dir, 'r.jsonl')], tok, { includeTies: true });
    expect(withTies.pairs.filter((p) => p.tie).map((p) => [p.win, p.lose])).toEqual([[1, 2]]);
  });

  it('TRL pairs: a margin-0 line (how the export writes a tie) gives no comparison unless includeTies', () => {
    const f = path.join(dir, 'tie.jsonl');
    writeFileSync(
      f,
      [
        { prompt: 'p', chosen: 'a', rejected: 'b', margin: 0 },
        { prompt: 'p', chosen: 'a', rejected: 'c', margin: 2 },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    expect(readPairs([f], tok, { margin: true }).map((g) => g.pairs)).toEqual([[], [{ win: 0, lose: 1, margin: 2, tie: false }]]);
    expect(readPairs([f], tok, { margin: false, includeTies: true })[0].pairs).toEqual([{ win: 0, lose: 1, margin: 0, tie: true }]);
    expect(readPairs([f], tok, { margin: false })[1].pairs[0].margin).toBe(0); // margins only when asked
  });

  it('per ranking: one batch element, each answer once, loss = the mean over its C(K,2) strict pairs fed as separate pairs', async () => {
    const [g] = readRankings([path.join(dir, 'r.jsonl')], tok, { includeTies: false });
    const lines = strict.map(([w, l]) => JSON.stringify({ prompt: 'Name a colour.', chosen: RESPONSES[w], rejected: RESPONSES[l] }));
    writeFileSync(path.join(dir, 'p.jsonl'), lines.join('\n'));
    const pairs = readPairs([path.join(dir, 'p.jsonl')], tok, { margin: false });

    const shape = batchShape([g], 1, T);
    expect(shape).toMatchObject({ N: 4, P: 5 }); // 4 forward passes for 5 comparisons
    const feeds = groupFeeds([g], shape, { pad: tok.pad, margin: false, center: false });
    expect(nums(feeds.pair_weight).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);

    const perRanking = await lossOf([g], 1);
    const perPair = await lossOf(pairs, pairs.length);
    expect(perRanking.loss).toBeCloseTo(perPair.loss, 5);
    // and by hand from the rewards: mean over the strict pairs of −log σ(r_w − r_l)
    const r = perRanking.rewards;
    const byHand = strict.reduce((s, [w, l]) => s - Math.log(1 / (1 + Math.exp(-(r[w] - r[l])))), 0) / strict.length;
    expect(perRanking.loss).toBeCloseTo(byHand, 5);
    expect(pairMetrics([g], [r.slice(0, 4)], { margin: false }).loss).toBeCloseTo(byHand, 5);
    // a second ranking in the batch: each ranking counts once, whatever its number of comparisons
    const both = await lossOf([g, pairs[0]], 2);
    const alone = await lossOf([pairs[0]], 1);
    expect(both.loss).toBeCloseTo((perRanking.loss + alone.loss) / 2, 5);
    // an empty slot (a padding group) changes nothing
    expect((await lossOf([g], 3)).loss).toBeCloseTo(perRanking.loss, 5);
  });

  it('with includeTies a tie is one comparison pulling both rewards together', async () => {
    const [g] = readRankings([path.join(dir, 'r.jsonl')], tok, { includeTies: true });
    const { loss, rewards: r } = await lossOf([g], 1);
    const nls = (x: number) => Math.log(1 + Math.exp(-x));
    const strictSum = strict.reduce((s, [w, l]) => s + nls(r[w] - r[l]), 0);
    const tie = 0.5 * nls(r[1] - r[2]) + 0.5 * nls(r[2] - r[1]);
    expect(loss).toBeCloseTo((strictSum + tie) / 6, 5);
  });

  it('margins and the centring term enter the loss as documented', async () => {
    const [g] = readRankings([path.join(dir, 'r.jsonl')], tok, { includeTies: false });
    const { loss, rewards: r } = await lossOf([g], 2, { margin: true, centerCoef: 0.1 });
    const m = [1, 1, 2, 1, 1];
    const pairLoss = strict.reduce((s, [w, l], i) => s + Math.log(1 + Math.exp(-(r[w] - r[l] - m[i]))), 0) / 5;
    const center = (0.1 * r.slice(0, 4).reduce((s, x) => s + x * x, 0)) / 4;
    expect(loss).toBeCloseTo(pairLoss + center, 5);
  });
});
