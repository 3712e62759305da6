// bench:rlhf --compare made fair and cheaper to rerun (issue 17), without training: DPO by pairs at
// the compute of DPO by whole rankings (compare-dpo.ts), the model state each method holds
// (compare-memory.ts), and the kept folder whose shared stages --from reads back, refused when it
// was made with another seed or other settings (pipeline.ts).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dpoBudgets, elementsSeen, pairBatch, rankingCounts } from '../../bench/rlhf/compare-dpo';
import { heldModels, medianRun, modelStateBytes, probeConfigs } from '../../bench/rlhf/compare-memory';
import { claimSharedDir, keptStageRunner, SHARED_KEY_FILE, SHARED_STAGES, sharedKey, sharedStages } from '../../bench/rlhf/pipeline';
import { benchSettings, withOverrides } from '../../bench/rlhf/settings';
import { gptConfig, paramCount } from '../../ml/index';

const root = mkdtempSync(path.join(tmpdir(), 'rlhf-compare-fair-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, `d${n++}`);

describe('DPO by pairs at the compute of DPO by whole rankings', () => {
  it('puts as many answers through the model per step: pairs per step = rankings per step × K / 2', () => {
    const s = benchSettings(1, true);
    expect(s.label.temperatures.length).toBe(4);
    expect(pairBatch(s)).toBe((s.compare.dpo.batchSize * 4) / 2);
    expect(pairBatch(withOverrides(benchSettings(1, true), ['compare.dpo.batchSize=3', 'label.temperatures=[1,1,1.5]']))).toBe(5); // 4.5 rounds up
  });

  it("counts a rankings file's strict pairs (a tie gives none, a ranking with every answer tied is dropped)", () => {
    const file = path.join(root, 'rankings.jsonl');
    const line = (tiers: number[][]) => JSON.stringify({ prompt: [{ role: 'user', content: 'q' }], responses: ['a', 'b', 'c', 'd'], tiers });
    writeFileSync(file, [line([[0], [1, 2], [3]]), line([[0, 1, 2, 3]]), line([[3], [2], [1], [0]]), ''].join('\n'));
    // 0 > 1, 2, 3 and 1, 2 > 3: five pairs; every answer apart: six
    expect(rankingCounts(file)).toEqual({ rankings: 2, pairs: 11, answers: 8 });
  });

  it("visits elements as the trainer's step order does: whole passes, then the next pass's first batches (the last of a pass short)", () => {
    expect(elementsSeen(10, 4, 3)).toBe(10); // 4 + 4 + 2
    expect(elementsSeen(10, 4, 5)).toBe(18);
    expect(elementsSeen(10, 4, 6)).toBe(20);
    expect(elementsSeen(1500, 16, 76)).toBe(1216);
  });

  it('reports both runs at the same steps and answers per step; by pairs the budget covers fewer comparisons', () => {
    const s = benchSettings(1, true);
    const c = { rankings: 300, pairs: 1500, answers: 1200 };
    const steps = Math.ceil(300 / 8) * s.compare.dpo.epochs;
    const b = dpoBudgets(s, c, { rankings: steps, pairs: steps });
    expect(b.rankings).toEqual({ steps: 76, batch: 8, answersPerStep: 32, comparisonsSeen: 3000, passes: 2 });
    expect(b.pairs).toEqual({ steps: 76, batch: 16, answersPerStep: 32, comparisonsSeen: 1216, passes: 1216 / 1500 });
  });
});

describe('the model state each method holds', () => {
  it('PPO: policy and value model trained (16 B per parameter), reference and reward model frozen (4 B); RLOO/GRPO without the value model', () => {
    const p = { policy: 100, reward: 200 };
    expect(heldModels('ppo').map((h) => h.model)).toEqual(['policy', 'reference', 'reward', 'value']);
    expect(modelStateBytes('ppo', p)).toBe(16 * 100 + 4 * 100 + 4 * 200 + 16 * 200);
    expect(modelStateBytes('rloo', p)).toBe(16 * 100 + 4 * 100 + 4 * 200);
    expect(modelStateBytes('grpo', p)).toBe(modelStateBytes('rloo', p));
    expect(modelStateBytes('dpo-pairs', p)).toBe(16 * 100 + 4 * 100);
    expect(modelStateBytes('best-of-n', p)).toBe(4 * 100 + 4 * 200);
  });

  it("judges the probe on each method's median run, by its peak above the start", () => {
    const run = (peak: number, start: number) => ({ peakRssMb: peak, startRssMb: start, wallSec: 1 });
    // above the start: 900, 850, 805 → the median is 850, though the peaks alone would pick 900
    const runs = [run(1000, 100), run(950, 100), run(905, 100)];
    expect(medianRun(runs)).toBe(runs[1]);
    expect(medianRun([run(1000, 200), run(900, 50)])).toEqual(run(1000, 200)); // even count: the lower middle (800 vs 850)
    expect(medianRun([runs[2]!])).toBe(runs[2]);
    expect(() => medianRun([])).toThrow('no runs');
  });

  it("sizes the probe's models so that PPO's state is many times the bench's (reward and value models rm.extraLayers deeper)", () => {
    const s = benchSettings(1, true);
    const c = probeConfigs(s);
    expect(c.reward.nLayer).toBe(c.policy.nLayer + s.rm.extraLayers);
    const probe = { policy: paramCount(c.policy), reward: paramCount(c.reward) };
    const bench = {
      policy: paramCount(gptConfig('tiny', s.model)),
      reward: paramCount(gptConfig('tiny', { ...s.model, nLayer: s.model.nLayer! + s.rm.extraLayers })),
    };
    expect(probe.policy).toBeGreaterThan(10 * bench.policy);
    expect(modelStateBytes('ppo', probe) / 2 ** 20).toBeGreaterThan(150); // MB: the same order as a child's whole runtime
    expect(modelStateBytes('rloo', probe) / modelStateBytes('ppo', probe)).toBeLessThan(0.6);
  });
});

describe('a kept folder of shared stages (--compare --from DIR)', () => {
  const s = benchSettings(1, true);

  it("keys the folder on the seed and the shared stages' settings, not on PPO's, the comparison's or the sampling's", () => {
    const k = sharedKey(s);
    expect(Object.keys(k).sort()).toEqual(['evalPrompts', 'label', 'model', 'pretrain', 'rm', 'seed', 'sft']);
    const other = withOverrides(benchSettings(1, true), ['ppo.lr=0.001', 'compare.dpo.beta=0.1', 'temperature=0.7']);
    expect(sharedKey(other)).toEqual(k);
  });

  it('claims a new folder with its key, accepts the same seed and settings again, and refuses another seed or other settings in one sentence', () => {
    const d = fresh();
    claimSharedDir(d, s);
    expect(readdirSync(d)).toEqual([SHARED_KEY_FILE]);
    expect(() => claimSharedDir(d, benchSettings(1, true))).not.toThrow();
    expect(() => claimSharedDir(d, benchSettings(2, true))).toThrow(
      `--dir ${d} was made with another seed or other settings of the shared stages (seed: 1 there, 2 here): use a folder made with these, or a new one`,
    );
    expect(() => claimSharedDir(d, withOverrides(benchSettings(1, true), ['rm.epochs=3']), { kept: true })).toThrow(
      `--from ${d} was made with another seed or other settings of the shared stages (rm.epochs: 1 there, 3 here)`,
    );
    // --quick and the full run differ in many settings: the first three are named
    expect(() => claimSharedDir(d, benchSettings(1, false))).toThrow(/\(pretrain\.notes: 8000 there, 40000 here; .*; \d+ more\)/);
  });

  it('refuses, for --from, a folder without a key and a folder missing a shared stage, saying how to make it', async () => {
    const d = fresh();
    expect(() => keptStageRunner(d, s)).toThrow(
      `--from ${d} holds no ${SHARED_KEY_FILE}, so nothing says which seed and settings made it: make it with \`npm run bench:rlhf -- --seed 1 --quick --keep --dir ${d}\``,
    );
    claimSharedDir(d, s);
    const { stage } = keptStageRunner(d, s);
    await expect(stage('pretrain', async () => 'trained')).rejects.toThrow(`--from ${d} has no pretrain result (pretrain.result.json)`);
  });

  it('reads every shared stage back from the kept folder without running one, and writes nothing there', async () => {
    const d = fresh();
    const out = fresh();
    mkdirSync(out);
    claimSharedDir(d, s);
    for (const name of SHARED_STAGES) writeFileSync(path.join(d, `${name}.result.json`), JSON.stringify({ out: path.join(d, name), from: name }));
    const before = readdirSync(d).sort();
    const { stage, timings } = keptStageRunner(d, s);
    const sh = await sharedStages(s, d, stage, out);
    expect(sh.dir).toBe(d);
    expect(sh.rm).toEqual({ out: path.join(d, 'reward-model'), from: 'reward-model' });
    expect(timings.map((t) => [t.name, t.cached])).toEqual(SHARED_STAGES.map((name) => [name, true]));
    expect(sh.prompts).toBe(path.join(out, 'ppo-prompts.jsonl'));
    expect(readdirSync(d).sort()).toEqual(before);
  });
});
