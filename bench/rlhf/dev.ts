// `bench:rlhf -- --dev rm|ppo`: tuning without the held-out evaluation prompts. From a folder whose shared
// stages ran (`--stop-after reward-model --keep --dir D`; a stage missing there runs first):
//
//   --dir D --seed N [--set path=value ...] --dev rm
//     the reward model against the validation rankings: its accuracy over the noise ceiling, and where it and
//     the labelers agree with the oracle, by what separates the pair;
//   --dir D --seed N [--set path=value ...] [--name X] --dev ppo
//     one PPO run at the main β with these settings (no ptx), written to D/dev-X, judged by the oracle on the
//     RM-validation prompts (the policy never trains on them and they are not the evaluation prompts; two
//     samples each, a sampling seed of their own): win rate vs SFT (ties half), KL to SFT, correct and styled
//     fractions, RM score;
//   --dir D --seed N [--set path=value ...] [--name X] --dev rloo|grpo
//     the same for a group-baseline run (compare.groupSize answers per prompt, compare.groupLr, no value model);
//   --dir D --seed N [--set path=value ...] [--name X] --dev dpo
//     DPO from whole rankings and from pairs at the same compute (as --compare runs them), both judged the same way
//     (2026-12-05, seeds 1 / 2 / 3: whole 68.8 / 71.3 / 70.0 %, pairs 66.9 / 69.5 / 68.0 %, whole − pairs +1.9 / +1.8
//     / +2.0 points; on the evaluation prompts the same runs gave −0.8 / −1.0 / +0.4). Variants of the whole-ranking
//     run, same seeds (pairs unchanged unless said): lr 7.5e-5 (both) 67.5 / 70.9 / 67.0 % vs pairs 68.3 / 70.0 / 65.9;
//     lr 1e-4 (both) 68.5 / 72.6 / 53.9 % (KL 6.9) vs 67.6 / 72.6 / 62.0; includeTies 68.5 / 70.6 / 69.9 %; margin from
//     the tier distance 68.6 / 65.3 / 52.4 % (KL 2.8-11.4); each pair weighted once instead of each ranking 68.3 / 71.8
//     / 70.3 %. None apart from the default by more than the noise (a dev win rate's error is ~2.3 points).

import { evaluateDev } from './dev-eval';
import { rmBreakdown } from './evaluate';
import { sharedStages, stageRunner } from './pipeline';
import type { BenchSettings } from './settings';
import { dpoStage } from './stages-dpo';
import { ppoStage } from './stages-rl';

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Runs one development check; resolves with its JSON figures. */
export async function runDev(s: BenchSettings, dir: string, mode: string, o: { name?: string; overrides: string[] }): Promise<Record<string, unknown>> {
  if (!['rm', 'ppo', 'rloo', 'grpo', 'dpo'].includes(mode)) throw new Error(`--dev takes rm, ppo, rloo, grpo or dpo, got "${mode}"`);
  const { stage } = stageRunner(dir, true);
  const sh = await sharedStages(s, dir, stage);
  const head = { bench: 'rlhf-dev', mode, seed: s.seed, overrides: o.overrides };
  if (mode === 'rm') {
    const pairs = await rmBreakdown(sh.rm.out, sh.labels.val);
    for (const b of pairs) console.log(`  ${b.kind.padEnd(12)} pairs ${String(b.pairs).padStart(5)}  RM ${b.rm.toFixed(3)}  labeler ${b.labeler.toFixed(3)}`);
    return {
      ...head,
      rm_val_accuracy: round(sh.rm.valAccuracy),
      noise_ceiling: round(sh.labels.noiseCeiling),
      rm_acc_ratio: round(sh.rm.valAccuracy / sh.labels.noiseCeiling),
      pairs: pairs.map((b) => ({ kind: b.kind, pairs: b.pairs, rm: round(b.rm), labeler: round(b.labeler) })),
    };
  }
  if (mode === 'dpo') {
    const name = `dev-${o.name ?? 'dpo'}`;
    const train = (wholeRankings: boolean, maxSteps?: number) =>
      dpoStage(s, dir, {
        name: `${name}-${wholeRankings ? 'rankings' : 'pairs'}`,
        sft: sh.sft.out,
        rankings: sh.labels.train,
        val: sh.labels.val,
        wholeRankings,
        maxSteps,
      });
    const whole = await train(true);
    const pairs = await train(false, whole.steps); // the same optimizer steps (compare-dpo.ts)
    const w = await evaluateDev(s, { sft: sh.sft.out, rm: sh.rm.out, policy: whole.out }, sh.sets.rmVal);
    const p = await evaluateDev(s, { sft: sh.sft.out, rm: sh.rm.out, policy: pairs.out }, sh.sets.rmVal);
    return {
      ...head,
      name,
      steps: whole.steps,
      whole: w,
      pairs: p,
      dev_whole_minus_pairs: round(w.dev_win_vs_sft - p.dev_win_vs_sft),
    };
  }
  const name = `dev-${o.name ?? mode}`;
  const group = mode === 'rloo' || mode === 'grpo' ? { advantage: mode as 'rloo' | 'grpo', groupSize: s.compare.groupSize, lr: s.compare.groupLr[mode] } : {};
  const t = performance.now();
  const cpu = process.cpuUsage();
  const run = await ppoStage(s, dir, {
    name,
    sft: sh.sft.out,
    rm: sh.rm.out,
    prompts: sh.prompts,
    beta: s.ppo.beta,
    ptxCoef: 0,
    ptxData: sh.base.text,
    ...group,
  });
  const ppoSec = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const dev = await evaluateDev(s, { sft: sh.sft.out, rm: sh.rm.out, policy: run.out }, sh.sets.rmVal);
  const last = run.history.at(-1) ?? {};
  return {
    ...head,
    name,
    ...dev,
    train_kl: round(last.kl ?? NaN),
    train_score: round(last.score ?? NaN),
    ppo_sec: Math.round(ppoSec),
    ppo_cpu_sec: Math.round((used.user + used.system) / 1e6),
  };
}
