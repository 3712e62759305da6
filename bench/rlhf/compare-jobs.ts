// The methods `bench:rlhf -- --compare` trains, and how it runs each one: a child process
// (compare-child.ts) per method, whose output is echoed and whose last line is its result.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

// DPO by whole rankings before DPO by pairs: the pairs run takes as many steps (compare-dpo.ts)
export const METHODS = ['ppo', 'rloo', 'grpo', 'dpo-rankings', 'dpo-pairs', 'best-of-n'] as const;
export type Method = (typeof METHODS)[number];

export interface ChildJob {
  method: Method;
  seed: number;
  quick: boolean;
  /** --set overrides of the settings (the child applies them as the parent did). */
  overrides: string[];
  dir: string;
  sft: string;
  rm: string;
  prompts: string;
  ptxData: string;
  rankings: string;
  rankingsVal: string;
  /** The held-out prompts (best-of-N picks its answers to them). */
  evalPrompts: string[];
  /** DPO by pairs: the optimizer steps to take (the whole-ranking run's). */
  maxSteps?: number;
}

export interface ChildResult {
  method: Method;
  /** The trained policy's folder; for best-of-N, the file of its picks (Samples JSON). */
  out: string;
  /** Seconds the method's work took in the child (models loaded, trained, saved; not the child's start-up). */
  wallSec: number;
  /** The child's peak RSS (MB, getrusage's maxRSS), and its RSS once its modules were loaded, before any model. */
  peakRssMb: number;
  startRssMb: number;
  /** The trainer's last metrics (PPO: the last iteration; DPO: the last step and the final validation). */
  metrics: Record<string, number>;
  /** DPO: the optimizer steps taken. */
  steps?: number;
}

const CHILD = fileURLToPath(new URL('./compare-child.ts', import.meta.url));

/** Runs one method in its own process (the same node and loader flags as this one); resolves with its result line. */
export function runChild(job: ChildJob): Promise<ChildResult> {
  const jobFile = path.join(job.dir, `${job.method}.job.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  const child = spawn(process.execPath, [...process.execArgv, CHILD, jobFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  let last = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    console.log(`  [${job.method}] ${line}`);
    if (line.trim()) last = line;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        resolve(JSON.parse(last) as ChildResult);
      } catch (e) {
        reject(new Error(`the ${job.method} child did not end with its result line (${(e as Error).message})`));
      }
    });
  });
}
