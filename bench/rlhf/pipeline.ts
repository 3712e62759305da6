// The stages every bench:rlhf run shares (pretrain → SFT → labels → preference-model pretraining →
// reward model, and the PPO prompts), with the stage cache: each stage's result is written as
// DIR/NAME.result.json, and with --dir a stage whose result is there is read back, not rerun.
// A folder holding shared stages is keyed (DIR/shared-stages.json: the seed and every setting the
// shared stages read), so a folder made with another seed or other settings is refused, not reused;
// `--compare --from DIR` reads a kept folder's shared stages and trains nothing of them.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { pmpStage, type PMPResult } from './preference-pretraining';
import type { BenchSettings } from './settings';
import { labelStage, pretrainStage, sftStage, type LabelResult } from './stages';
import { rewardStage, writePPOPrompts, type RewardStageResult } from './stages-rl';
import { promptSets, type Task } from './tasks';

export interface StageTiming {
  name: string;
  seconds: number;
  cpuSeconds: number;
  cached: boolean;
}

export type StageFn = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** A stage runner over `dir` (reading cached results back when `reuse`); `timings` fills as stages run. */
export function stageRunner(dir: string, reuse: boolean, stopAfter?: string): { stage: StageFn; timings: StageTiming[] } {
  const timings: StageTiming[] = [];
  const stage: StageFn = async (name, fn) => {
    const file = path.join(dir, `${name}.result.json`);
    if (reuse && existsSync(file)) {
      timings.push({ name, seconds: 0, cpuSeconds: 0, cached: true });
      return JSON.parse(readFileSync(file, 'utf8'));
    }
    console.log(`\n== ${name}`);
    const t = performance.now();
    const cpu = process.cpuUsage();
    const r = await fn();
    writeFileSync(`${file}.tmp`, JSON.stringify(r));
    renameSync(`${file}.tmp`, file);
    const used = process.cpuUsage(cpu);
    timings.push({ name, seconds: (performance.now() - t) / 1000, cpuSeconds: (used.user + used.system) / 1e6, cached: false });
    const done = timings.at(-1)!;
    console.log(`  ${name}: ${done.seconds.toFixed(1)} s wall, ${done.cpuSeconds.toFixed(1)} s CPU (load average ${loadavg()[0].toFixed(1)})`);
    if (name === stopAfter) {
      console.log(`stopped after ${name} (${timings.at(-1)!.seconds.toFixed(1)} s): ${JSON.stringify(r)}`);
      process.exit(0);
    }
    return r;
  };
  return { stage, timings };
}

export interface SharedStages {
  /** The folder holding the shared stages' outputs. */
  dir: string;
  sets: Record<'sft' | 'rmTrain' | 'rmVal' | 'ppo' | 'eval', Task[]>;
  base: { out: string; text: string; valLoss?: number };
  sft: { out: string; data: string };
  labels: LabelResult;
  pmp: PMPResult;
  rm: RewardStageResult;
  /** The PPO prompts file (the app's "PPO prompts" export layout). */
  prompts: string;
}

export const SHARED_KEY_FILE = 'shared-stages.json';
/** The shared stages' names, in order. */
export const SHARED_STAGES = ['pretrain', 'sft', 'label', 'rm-pretrain', 'reward-model'] as const;

/**
 * What the shared stages' outputs depend on: the seed and every setting but those only later stages
 * read (PPO's, the comparison's, the evaluation's sampling). The PPO prompts are drawn after every
 * shared set, so their number changes nothing here (and their file is rewritten by each run).
 */
export function sharedKey(s: BenchSettings): Record<string, unknown> {
  const { ppo: _ppo, compare: _compare, temperature: _t, maxNewTokens: _m, quick: _q, ...shared } = s;
  return JSON.parse(JSON.stringify(shared)) as Record<string, unknown>;
}

/** Leaf paths where two keys differ, as "path: A there, B here". */
function keyDiffs(there: unknown, here: unknown, at = ''): string[] {
  const obj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (obj(there) && obj(here))
    return [...new Set([...Object.keys(there), ...Object.keys(here)])].flatMap((k) => keyDiffs(there[k], here[k], at ? `${at}.${k}` : k));
  return JSON.stringify(there) === JSON.stringify(here) ? [] : [`${at}: ${JSON.stringify(there) ?? 'absent'} there, ${JSON.stringify(here) ?? 'absent'} here`];
}

/**
 * Refuses `dir` when its key is not this run's (one sentence naming the first differences); writes the
 * key when there is none. `kept` (--from): the folder must already hold a key (a folder from before
 * keys, or no bench:rlhf folder, cannot be vouched for).
 */
export function claimSharedDir(dir: string, s: BenchSettings, o: { kept?: boolean } = {}): void {
  const file = path.join(dir, SHARED_KEY_FILE);
  const here = sharedKey(s);
  const what = o.kept ? `--from ${dir}` : `--dir ${dir}`;
  if (!existsSync(file)) {
    if (o.kept)
      throw new Error(
        `${what} holds no ${SHARED_KEY_FILE}, so nothing says which seed and settings made it: make it with \`npm run bench:rlhf -- --seed ${s.seed}${s.quick ? ' --quick' : ''} --keep --dir ${dir}\` (it may stop after the shared part: --stop-after reward-model)`,
      );
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(here, null, 1));
    return;
  }
  const diffs = keyDiffs(JSON.parse(readFileSync(file, 'utf8')), here);
  if (diffs.length)
    throw new Error(
      `${what} was made with another seed or other settings of the shared stages (${diffs.slice(0, 3).join('; ')}${diffs.length > 3 ? `; ${diffs.length - 3} more` : ''}): use a folder made with these, or a new one`,
    );
}

/** A stage runner that only reads `dir`'s results of the shared stages back (--from); a missing one is one sentence. */
export function keptStageRunner(dir: string, s: BenchSettings): { stage: StageFn; timings: StageTiming[] } {
  claimSharedDir(dir, s, { kept: true });
  const timings: StageTiming[] = [];
  const stage: StageFn = async (name) => {
    const file = path.join(dir, `${name}.result.json`);
    if (!existsSync(file))
      throw new Error(
        `--from ${dir} has no ${name} result (${path.basename(file)}): the run that made it stopped before; finish it with \`npm run bench:rlhf -- --seed ${s.seed}${s.quick ? ' --quick' : ''} --dir ${dir} --stop-after reward-model\``,
      );
    timings.push({ name, seconds: 0, cpuSeconds: 0, cached: true });
    return JSON.parse(readFileSync(file, 'utf8'));
  };
  return { stage, timings };
}

/**
 * Runs (or reads back) the shared stages of one seed; `dir` is claimed for this seed and settings
 * first. The PPO prompts file goes to `promptsDir` (default `dir`; --from writes nothing in the kept folder).
 */
export async function sharedStages(s: BenchSettings, dir: string, stage: StageFn, promptsDir = dir): Promise<SharedStages> {
  claimSharedDir(dir, s);
  // the held-out sets are drawn first, so the sizes of the training sets never change which prompts are held out
  const sets = promptSets(s.seed, { eval: s.evalPrompts, rmVal: s.label.val, sft: s.sft.demos, rmTrain: s.label.train, ppo: s.ppo.prompts });
  const base = await stage('pretrain', () => pretrainStage(s, dir, [...sets.eval, ...sets.rmVal]));
  const sft = await stage('sft', () => sftStage(s, dir, base.out, sets.sft));
  const labels = await stage('label', () => labelStage(s, dir, sft.out, sets.rmTrain, sets.rmVal));
  const pmp = await stage('rm-pretrain', () => pmpStage(s, dir, sft.out, base.text));
  const rm = await stage('reward-model', () => rewardStage(s, dir, pmp.out, labels.train, labels.val, sft.data));
  return { dir, sets, base, sft, labels, pmp, rm, prompts: writePPOPrompts(promptsDir, sets.ppo) };
}
