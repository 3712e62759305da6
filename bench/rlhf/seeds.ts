// `bench:rlhf -- --seeds 1,2,3`: every seed in its own process (the same command with --seed N),
// one after the other, then the figures' mean and spread. The targets must hold on EACH seed.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { table } from './table';

/** The figures summarised over the seeds. */
const FIGURES = ['rm_acc_ratio', 'ppo_win_vs_sft', 'ppo_kl', 'ppo_ptx_win_vs_sft', 'labeler_agreement', 'heldout_overlap'] as const;
/** The whole multi-seed run must finish within this on two cores (issue 13: three seeds in 30 minutes). */
const TARGET_WALL_SEC = 1800;

export type SeedResult = Record<string, unknown> & { seed: number; pass: boolean };

/** Runs this script once for `seed` (with `extra` flags), echoing its output; resolves with its final JSON line. */
export function runOne(seed: number, quick: boolean, extra: readonly string[] = []): Promise<SeedResult> {
  const args = [...process.execArgv, process.argv[1], '--seed', String(seed), ...(quick ? ['--quick'] : []), ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let last = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    console.log(line);
    if (line.trim()) last = line;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const json = JSON.parse(last) as SeedResult;
        if (code !== 0) throw new Error(`exit code ${code}`);
        resolve(json);
      } catch (e) {
        reject(new Error(`bench:rlhf --seed ${seed} did not end with its JSON line (${(e as Error).message})`));
      }
    });
  });
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (0 for one seed). */
export const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
const round = (x: number) => Math.round(x * 10000) / 10000;

/** Parses "1,2,3"; one clear sentence for anything else. */
export function parseSeeds(list: string): number[] {
  const seeds = list.split(',').map((x) => Number(x.trim()));
  if (!list.trim() || seeds.some((x) => !Number.isInteger(x) || x < 0))
    throw new Error(`--seeds takes non-negative integers separated by commas (e.g. 1,2,3), got "${list}"`);
  if (new Set(seeds).size !== seeds.length) throw new Error(`--seeds names a seed twice: "${list}"`);
  return seeds;
}

/** `extra`: arguments every seed's run gets too (the `--set` overrides); `perSeed`: a seed's own (its --dir). */
export async function runSeeds(
  list: string,
  quick: boolean,
  extra: string[] = [],
  perSeed: (seed: number) => string[] = () => [],
): Promise<Record<string, unknown>> {
  const seeds = parseSeeds(list);
  const t0 = performance.now();
  const results: SeedResult[] = [];
  for (const seed of seeds) results.push(await runOne(seed, quick, [...extra, ...perSeed(seed)]));
  const wallSec = (performance.now() - t0) / 1000;

  const col = (k: string) => results.map((r) => Number(r[k]));
  console.log(`\nbench:rlhf over seeds ${seeds.join(', ')}${quick ? ' (--quick)' : ''}`);
  console.log(
    table(
      ['figure', ...seeds.map((s) => `seed ${s}`), 'mean', 'spread (sd)'],
      FIGURES.map((k) => [k, ...col(k).map((x) => String(round(x))), String(round(mean(col(k)))), String(round(sd(col(k))))]),
    ),
  );
  console.log(
    `each seed's targets: ${results.map((r) => `seed ${r.seed} ${r.pass ? 'met' : 'MISSED'}`).join(', ')}; wall time ${wallSec.toFixed(0)} s (target < ${TARGET_WALL_SEC} s)`,
  );
  return {
    bench: 'rlhf',
    seeds,
    quick,
    per_seed: results,
    mean: Object.fromEntries(FIGURES.map((k) => [k, round(mean(col(k)))])),
    spread: Object.fromEntries(FIGURES.map((k) => [k, round(sd(col(k)))])),
    wall_sec: Math.round(wallSec),
    target_wall_sec: TARGET_WALL_SEC,
    pass: results.every((r) => r.pass) && (quick || wallSec < TARGET_WALL_SEC),
  };
}
