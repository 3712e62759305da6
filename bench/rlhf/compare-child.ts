// One method of `bench:rlhf -- --compare`, alone in its own process, so that its wall time and its
// peak resident memory (getrusage's maxRSS: the process's high-water mark) are its own:
//   tsx bench/rlhf/compare-child.ts JOB.json
// JOB: { method, seed, quick, overrides, dir, sft, rm, prompts, ptxData, rankings, rankingsVal, evalPrompts, maxSteps? }.
// Trains the method (or, for best-of-N, samples and picks on the held-out prompts) and prints its
// ChildResult as its last line (the parent caches it as DIR/compare-METHOD.result.json).

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bestOfN, Generator, loadCheckpoint, RewardScorer } from '../../ml/index';
import { METHODS, type ChildJob, type ChildResult } from './compare-jobs';
import { promptIds, type Samples } from './policy';
import { benchSettings, withOverrides } from './settings';
import { dpoStage } from './stages-dpo';
import { ppoStage } from './stages-rl';

async function bestOfNSamples(job: ChildJob, n: number, seed: number, maxNewTokens: number, temperature: number): Promise<Samples> {
  const ck = loadCheckpoint(job.sft);
  const runtime = { intraOpThreads: 2 };
  const gen = await Generator.create(ck.config, ck.params, runtime);
  const scorer = await RewardScorer.load(job.rm, runtime);
  try {
    const picks = await bestOfN(gen, scorer, job.evalPrompts.map(promptIds), {
      n,
      maxNewTokens,
      temperature,
      seed,
      batchPrompts: Math.max(1, Math.floor(64 / n)),
    });
    return {
      prompts: [...job.evalPrompts],
      tokens: picks.map((p) => p.tokens),
      texts: picks.map((p) => p.text),
      logprobs: picks.map(() => []),
      finished: picks.map((p) => p.finished),
    };
  } finally {
    await gen.dispose();
    await scorer.dispose();
  }
}

/** The last iteration's metrics of a PPO-family run. */
const lastOf = (r: { out: string; history: Array<Record<string, number>> }) => ({ out: r.out, metrics: r.history[r.history.length - 1] ?? {} });

async function run(job: ChildJob): Promise<Omit<ChildResult, 'wallSec' | 'peakRssMb' | 'startRssMb'>> {
  const s = withOverrides(benchSettings(job.seed, job.quick), job.overrides ?? []);
  const ppo = { sft: job.sft, rm: job.rm, prompts: job.prompts, ptxData: job.ptxData, beta: s.ppo.beta, ptxCoef: 0 };
  const m = job.method;
  if (m === 'ppo') return { method: m, ...lastOf(await ppoStage(s, job.dir, { ...ppo, name: m, advantage: 'gae' })) };
  if (m === 'rloo' || m === 'grpo')
    return { method: m, ...lastOf(await ppoStage(s, job.dir, { ...ppo, name: m, advantage: m, groupSize: s.compare.groupSize, lr: s.compare.groupLr[m] })) };
  if (m === 'dpo-pairs' || m === 'dpo-rankings') {
    const r = await dpoStage(s, job.dir, {
      name: m,
      sft: job.sft,
      rankings: job.rankings,
      val: job.rankingsVal,
      wholeRankings: m === 'dpo-rankings',
      maxSteps: job.maxSteps,
    });
    return { method: m, out: r.out, metrics: r.metrics, steps: r.steps };
  }
  const smp = await bestOfNSamples(job, s.compare.bestOfN, s.seed + 5, s.maxNewTokens, s.temperature);
  const out = path.join(job.dir, 'best-of-n.samples.json');
  writeFileSync(`${out}.tmp`, JSON.stringify(smp));
  renameSync(`${out}.tmp`, out);
  return { method: m, out, metrics: {} };
}

const jobFile = process.argv[2];
if (!jobFile) throw new Error('usage: tsx bench/rlhf/compare-child.ts JOB.json');
const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ChildJob;
if (!METHODS.includes(job.method)) throw new Error(`compare-child: unknown method "${job.method}" (one of ${METHODS.join(', ')})`);
const startRssMb = process.memoryUsage().rss / 2 ** 20;
const t0 = performance.now();
const r = await run(job);
const result: ChildResult = { ...r, wallSec: (performance.now() - t0) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, startRssMb };
console.log(JSON.stringify(result));
