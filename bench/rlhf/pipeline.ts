// The stages every bench:rlhf run shares (pretrain → SFT → labels → preference-model pretraining →
// reward model, and the PPO prompts), with the stage cache: each stage's result is written as
// DIR/NAME.result.json, and with --dir a stage whose result is there is read back, not rerun.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  sets: Record<'sft' | 'rmTrain' | 'rmVal' | 'ppo' | 'eval', Task[]>;
  base: { out: string; text: string; valLoss?: number };
  sft: { out: string; data: string };
  labels: LabelResult;
  pmp: PMPResult;
  rm: RewardStageResult;
  /** The PPO prompts file (the app's "PPO prompts" export layout). */
  prompts: string;
}

/** Runs (or reads back) the shared stages of one seed. */
export async function sharedStages(s: BenchSettings, dir: string, stage: StageFn): Promise<SharedStages> {
  // the held-out sets are drawn first, so the sizes of the training sets never change which prompts are held out
  const sets = promptSets(s.seed, { eval: s.evalPrompts, rmVal: s.label.val, sft: s.sft.demos, rmTrain: s.label.train, ppo: s.ppo.prompts });
  const base = await stage('pretrain', () => pretrainStage(s, dir, [...sets.eval, ...sets.rmVal]));
  const sft = await stage('sft', () => sftStage(s, dir, base.out, sets.sft));
  const labels = await stage('label', () => labelStage(s, dir, sft.out, sets.rmTrain, sets.rmVal));
  const pmp = await stage('rm-pretrain', () => pmpStage(s, dir, sft.out, base.text));
  const rm = await stage('reward-model', () => rewardStage(s, dir, pmp.out, labels.train, labels.val, sft.data));
  return { sets, base, sft, labels, pmp, rm, prompts: writePPOPrompts(dir, sets.ppo) };
}
