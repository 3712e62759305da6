// Does the RLHF pipeline learn human preferences? A synthetic task family with a hidden oracle
// (bench/rlhf/oracle.ts), simulated labelers calibrated to InstructGPT's ~73% agreement, and
// the whole pipeline: pretrain a byte-level base, SFT on demonstrations, a reward model (larger
// than the policy, preference-model pretrained on the web text) on whole-ranking JSONL (the app's
// export layout), PPO against it (β sweep, PPO-ptx). The oracle judges held-out samples at the end.
//
//   npm run bench:rlhf [-- --quick] [--seed N] [--keep] [--dir DIR (reuse the stage outputs there)]
//   npm run bench:rlhf -- --seeds 1,2,3 [--quick] [--keep --dir ROOT]   (each seed in its own process, then mean
//     and spread; with --keep --dir ROOT each seed's stages are kept in ROOT/seed-N, for --compare --from ROOT)
//   npm run bench:rlhf -- --compare [--seed N | --seeds 1,2,3] [--quick] [--keep] [--dir DIR] [--from KEPT]
//     (--seeds with --from ROOT: each seed reads ROOT/seed-N)
//
// --compare (bench/rlhf/compare.ts) shares the stages up to the reward model, then trains PPO,
// RLOO (k = 4), GRPO (k = 4), DPO from pairs and DPO from whole rankings, each in its own child
// process (compare-child.ts: its wall time and its peak RSS, getrusage's maxRSS, are that
// method's alone), and best-of-16 from SFT (a child too). The oracle judges 8 samples per policy
// per held-out prompt (compare.evalSamples), each against an SFT sample of its own: win rate vs
// SFT (ties half), mean KL to SFT on the policy's own samples (best-of-N: the analytic
// log N − (N − 1)/N). Targets: DPO (whole rankings) >= 65% win on each
// seed; RLOO within 5 points of PPO's win at <= 70% of PPO's memory (peak RSS above the child's
// start, in a memory probe on larger random models where the models, not the process, hold it:
// compare-memory.ts); DPO whole rankings at least as good as DPO pairs at the same compute (equal
// optimizer steps and answers per step: compare-dpo.ts), as a non-inferiority bound: the 95 %
// lower bound of the win-rate difference >= −2 points (per seed on its prompts; over seeds the
// mean difference, with its spread; compare-targets.ts says why not "mean >= 0"); three seeds < 45 min.
//   --from KEPT (with --compare --seed N): read the shared stages (pretrain, SFT, labels, reward
//   model) from a folder `bench:rlhf --seed N --keep --dir KEPT` made (or that run with
//   --stop-after reward-model), instead of training them again; the folder's key (seed and the
//   shared stages' settings, pipeline.ts) must be this run's. The comparison writes in --dir or a
//   temporary folder, nothing in KEPT.
//   --set rm.epochs=3 (repeatable: overrides a setting of bench/rlhf/settings.ts, for experiments)
//   --stop-after NAME (ends after that stage, e.g. reward-model, printing its result; with --dir and --keep)
//   --dir D --dev rm|ppo|rloo|grpo [--name X] (tuning on the validation rankings / RM-validation prompts, never the
//   held-out evaluation prompts: bench/rlhf/dev.ts)
//
// The held-out evaluation prompts appear in no training text (web text, demonstrations, rankings,
// preference-model pretraining, PPO prompts, PPO-ptx): the overlap is counted and must be 0.
// Ends with ONE line of JSON: figures, targets, and whether they were met. For one seed it holds
// no timings (they are in the table above it), so the same seed twice prints the same line.

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCompare } from './rlhf/compare';
import { runCompareSeeds } from './rlhf/compare-seeds';
import { runDev } from './rlhf/dev';
import { evaluateStage } from './rlhf/evaluation-stage';
import { claimSharedDir, sharedStages, stageRunner } from './rlhf/pipeline';
import { report } from './rlhf/report';
import { runSeeds } from './rlhf/seeds';
import { benchSettings, withOverrides } from './rlhf/settings';
import { ppoStage, type PPORun } from './rlhf/stages-rl';
import { heldOutOverlap } from './rlhf/tasks';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (value('--from') !== undefined && !flag('--compare'))
  throw new Error('--from reads kept shared stages for --compare: use it as --compare --seed N --from DIR (or --compare --seeds 1,2,3 --from ROOT)');
if (value('--seeds') !== undefined) {
  const sets = args.flatMap((a, i) => (a === '--set' ? [a, args[i + 1]] : []));
  // with a root folder, each seed keeps (or, for --compare --from, reads) its stages in ROOT/seed-N
  const root = flag('--compare') ? value('--from') : value('--dir');
  if (!flag('--compare') && root !== undefined && !flag('--keep')) throw new Error("--seeds with --dir ROOT keeps every seed's stages there: add --keep");
  const perSeed = (n: number) =>
    root === undefined ? [] : flag('--compare') ? ['--from', path.join(root, `seed-${n}`)] : ['--keep', '--dir', path.join(root, `seed-${n}`)];
  const json = flag('--compare')
    ? await runCompareSeeds(value('--seeds')!, flag('--quick'), sets, perSeed)
    : await runSeeds(value('--seeds')!, flag('--quick'), sets, perSeed);
  console.log(JSON.stringify(json));
  process.exit(0);
}
const seed = Number(value('--seed') ?? 1);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${value('--seed')}`);
const overrides = args.flatMap((a, i) => (args[i - 1] === '--set' ? [a] : []));
const s = withOverrides(benchSettings(seed, flag('--quick')), overrides);
const stopAfter = value('--stop-after');
if (value('--from') !== undefined) claimSharedDir(value('--from')!, s, { kept: true }); // a stale folder refused before any folder is made
const reuse = value('--dir');
const dir = reuse ?? mkdtempSync(path.join(tmpdir(), `rlhf-bench-${seed}-`));
mkdirSync(dir, { recursive: true });
if (value('--dev') !== undefined) {
  if (!reuse) throw new Error('--dev needs --dir D, a folder of the shared stages (run them with --stop-after reward-model --keep --dir D)');
  console.log(JSON.stringify(await runDev(s, dir, value('--dev')!, { name: value('--name'), overrides })));
  process.exit(0);
}
if (flag('--compare')) {
  const json = await runCompare(s, { dir, reuse: !!reuse, overrides, from: value('--from') });
  if (!reuse && !flag('--keep')) rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(json));
  process.exit(0);
}
const t0 = performance.now();
console.log(`bench:rlhf  seed ${seed}${s.quick ? '  --quick' : ''}  stage outputs in ${dir}`);

const { stage, timings: stages } = stageRunner(dir, !!reuse, stopAfter);
const { sets, base, sft, labels, pmp, rm, prompts } = await sharedStages(s, dir, stage);
const common = { sft: sft.out, rm: rm.out, prompts, ptxData: base.text };
const sweep: PPORun[] = [];
for (const beta of s.ppo.betas) {
  const name = `ppo-beta${beta}`;
  sweep.push(
    await stage(name, () =>
      ppoStage(s, dir, { ...common, name, beta, ptxCoef: 0, snapshotEvery: beta === 0 ? Math.max(1, Math.round(s.ppo.iterations / 4)) : 0 }),
    ),
  );
}
const ptx = await stage('ppo-ptx', () => ppoStage(s, dir, { ...common, name: 'ppo-ptx', beta: s.ppo.beta, ptxCoef: s.ppo.ptxCoef }));
const evaluation = await stage('evaluate', () => evaluateStage(s, { base: base.out, sft: sft.out, rm: rm.out, rmVal: labels.val, sweep, ptx }, sets.eval));

const trainingFiles = [base.text, sft.data, labels.train, path.join(dir, 'pmp.jsonl'), prompts];
const overlap = heldOutOverlap(
  sets.eval,
  trainingFiles.map((f) => readFileSync(f, 'utf8')),
);
const json = report(s, { labels, pmp, rm, sweep, ptx, evaluation, stages, overlap, wallSec: (performance.now() - t0) / 1000 });
if (!reuse && !flag('--keep')) rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(json));
