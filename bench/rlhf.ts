// Does the RLHF pipeline learn human preferences? A synthetic task family with a hidden oracle
// (bench/rlhf/oracle.ts), simulated labelers calibrated to InstructGPT's ~73% agreement, and
// the whole pipeline: pretrain a byte-level base, SFT on demonstrations, a reward model (larger
// than the policy, preference-model pretrained on the web text) on whole-ranking JSONL (the app's
// export layout), PPO against it (β sweep, PPO-ptx). The oracle judges held-out samples at the end.
//
//   npm run bench:rlhf [-- --quick] [--seed N] [--keep] [--dir DIR (reuse the stage outputs there)]
//   npm run bench:rlhf -- --seeds 1,2,3 [--quick]   (each seed in its own process, then mean and spread)
//   --set rm.epochs=3 (repeatable: overrides a setting of bench/rlhf/settings.ts, for experiments)
//   --stop-after NAME (ends after that stage, e.g. reward-model, printing its result; with --dir and --keep)
//
// The held-out evaluation prompts appear in no training text (web text, demonstrations, rankings,
// preference-model pretraining, PPO prompts, PPO-ptx): the overlap is counted and must be 0.
// Ends with ONE line of JSON: figures, targets, and whether they were met. For one seed it holds
// no timings (they are in the table above it), so the same seed twice prints the same line.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { report } from './rlhf/report';
import { runSeeds } from './rlhf/seeds';
import { evaluateStage } from './rlhf/evaluation-stage';
import { pmpStage } from './rlhf/preference-pretraining';
import { benchSettings, withOverrides } from './rlhf/settings';
import { labelStage, pretrainStage, sftStage } from './rlhf/stages';
import { ppoStage, rewardStage, writePPOPrompts, type PPORun } from './rlhf/stages-rl';
import { heldOutOverlap, promptSets } from './rlhf/tasks';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (value('--seeds') !== undefined) {
  const json = await runSeeds(value('--seeds')!, flag('--quick'), args.flatMap((a, i) => (a === '--set' ? [a, args[i + 1]] : [])));
  console.log(JSON.stringify(json));
  process.exit(0);
}
const seed = Number(value('--seed') ?? 1);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${value('--seed')}`);
const s = withOverrides(benchSettings(seed, flag('--quick')), args.flatMap((a, i) => (args[i - 1] === '--set' ? [a] : [])));
const stopAfter = value('--stop-after');
const reuse = value('--dir');
const dir = reuse ?? mkdtempSync(path.join(tmpdir(), `rlhf-bench-${seed}-`));
mkdirSync(dir, { recursive: true });
const t0 = performance.now();
console.log(`bench:rlhf  seed ${seed}${s.quick ? '  --quick' : ''}  stage outputs in ${dir}`);

const stages: Array<{ name: string; seconds: number; cpuSeconds: number; cached: boolean }> = [];
/** Runs a stage (or reads its result when --dir holds it) and times it. */
async function stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const file = path.join(dir, `${name}.result.json`);
  if (reuse && existsSync(file)) {
    stages.push({ name, seconds: 0, cpuSeconds: 0, cached: true });
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  }
  console.log(`\n== ${name}`);
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = await fn();
  writeFileSync(file, JSON.stringify(r));
  const used = process.cpuUsage(cpu);
  stages.push({ name, seconds: (performance.now() - t) / 1000, cpuSeconds: (used.user + used.system) / 1e6, cached: false });
  if (name === stopAfter) {
    console.log(`stopped after ${name} (${stages.at(-1)!.seconds.toFixed(1)} s): ${JSON.stringify(r)}`);
    process.exit(0);
  }
  return r;
}

// The held-out sets are drawn first, so the sizes of the training sets never change which prompts are held out.
const sets = promptSets(seed, { eval: s.evalPrompts, rmVal: s.label.val, sft: s.sft.demos, rmTrain: s.label.train, ppo: s.ppo.prompts });
const base = await stage('pretrain', () => pretrainStage(s, dir, [...sets.eval, ...sets.rmVal]));
const sft = await stage('sft', () => sftStage(s, dir, base.out, sets.sft));
const labels = await stage('label', () => labelStage(s, dir, sft.out, sets.rmTrain, sets.rmVal));
const pmp = await stage('rm-pretrain', () => pmpStage(s, dir, sft.out, base.text));
const rm = await stage('reward-model', () => rewardStage(s, dir, pmp.out, labels.train, labels.val, sft.data));
const prompts = writePPOPrompts(dir, sets.ppo);
const common = { sft: sft.out, rm: rm.out, prompts, ptxData: base.text };
const sweep: PPORun[] = [];
for (const beta of s.ppo.betas) {
  const name = `ppo-beta${beta}`;
  sweep.push(await stage(name, () => ppoStage(s, dir, { ...common, name, beta, ptxCoef: 0, snapshotEvery: beta === 0 ? Math.max(1, Math.round(s.ppo.iterations / 4)) : 0 })));
}
const ptx = await stage('ppo-ptx', () => ppoStage(s, dir, { ...common, name: 'ppo-ptx', beta: s.ppo.beta, ptxCoef: s.ppo.ptxCoef }));
const evaluation = await stage('evaluate', () => evaluateStage(s, { base: base.out, sft: sft.out, rm: rm.out, rmVal: labels.val, sweep, ptx }, sets.eval));

const trainingFiles = [base.text, sft.data, labels.train, path.join(dir, 'pmp.jsonl'), prompts];
const overlap = heldOutOverlap(sets.eval, trainingFiles.map((f) => readFileSync(f, 'utf8')));
const json = report(s, { labels, pmp, rm, sweep, ptx, evaluation, stages, overlap, wallSec: (performance.now() - t0) / 1000 });
if (!reuse && !flag('--keep')) rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(json));
