// The comparison's figures and targets, as plain functions of its rows (one seed) and of the
// seeds' results (several): what `bench:rlhf -- --compare` checks, tested without training.

import { mean, sd } from './seeds';

export const COMPARE_TARGETS = {
  /** DPO (whole rankings, the trainer's default) preferred over SFT by the oracle, on each seed. */
  dpoWin: 0.65,
  /** RLOO's win rate at most this far below PPO's ... */
  rlooWinGap: 0.05,
  /** ... at no more than this share of PPO's memory (peak RSS above the child's start; compare-memory.ts says which run's and why). */
  rlooMemRatio: 0.7,
  /**
   * DPO from whole rankings "at least as good as" DPO from pairs of the same rankings, as a non-inferiority test:
   * the one-sided 95 % lower bound of (whole − pairs) in win rate vs SFT, mean − z·se, must be at least −margin
   * (per seed on that seed's samples; over seeds on the mean, its standard error the larger of the samples' and the
   * seeds' spread). Not "mean ≥ 0": the two train on the same comparisons, and where their true difference is
   * about nil (tuning on the validation prompts found none of five variants apart), "≥ 0" is decided by the
   * sampling noise, a coin toss at any sample size. The margin is under half the one the issue gives RLOO vs PPO.
   */
  wholeVsPairs: { margin: 0.02, z: 1.645 },
  /** Three full seeds on two cores. */
  wallSec: 2700,
};

type RowMethod = 'sft' | 'best-of-n' | 'ppo' | 'rloo' | 'grpo' | 'dpo-pairs' | 'dpo-rankings';

export interface CompareRow {
  method: RowMethod;
  name: string;
  /** Oracle win rate vs SFT on the held-out prompts (ties half); SFT itself has none. */
  win?: number;
  oracle: number;
  correct: number;
  styled: number;
  /** Mean reward-model score of the samples. */
  rm: number;
  /** Mean KL to SFT (nats per answer); `klAnalytic`: best-of-N's analytic value, not a measurement. */
  kl?: number;
  klAnalytic?: boolean;
  /** The method's child process: its work's wall time and its peak RSS (MB); SFT has none. */
  wallSec?: number;
  peakRssMb?: number;
  startRssMb?: number;
  /** The model state the method holds by its definition (MB, compare-memory.ts). */
  modelStateMb?: number;
}

/** A child's peak RSS and its RSS before any model was loaded (MB). */
interface ChildMemory {
  peakRssMb: number;
  startRssMb: number;
}

/** The memory probe's PPO and RLOO iterations (compare-memory.ts). */
export interface ProbeMemory {
  ppo: ChildMemory;
  rloo: ChildMemory;
}

const aboveStart = (m: ChildMemory) => m.peakRssMb - m.startRssMb;

/** KL(best-of-N ‖ base) = log N − (N − 1)/N (Stiennon et al. 2020, Beirami et al. 2024: an upper bound). */
export const bestOfNKL = (n: number) => Math.log(n) - (n - 1) / n;

/** A mean of paired differences and its standard error. */
export interface PairedDifference {
  mean: number;
  se: number;
  /** Independent units the error is computed over (prompts; over seeds, seeds). */
  n: number;
}

/**
 * The mean of paired differences d_i (two policies' verdicts against the same SFT sample) and its standard
 * error clustered by prompt: a prompt's samples share it and are not independent of each other.
 */
export function pairedDifference(d: readonly number[], prompts: readonly string[]): PairedDifference {
  if (d.length !== prompts.length || !d.length) throw new Error('pairedDifference: needs one prompt per difference, and some');
  const byPrompt = new Map<string, number[]>();
  d.forEach((x, i) => (byPrompt.get(prompts[i]) ?? byPrompt.set(prompts[i], []).get(prompts[i])!).push(x));
  const clusters = [...byPrompt.values()].map((xs) => mean(xs));
  // every prompt has the same number of samples, so the clusters' mean is the samples' mean
  return { mean: mean([...d]), se: sd(clusters) / Math.sqrt(clusters.length), n: clusters.length };
}

/** The one-sided lower bound the whole-vs-pairs target judges. */
const lowerBound = (mean: number, se: number) => mean - COMPARE_TARGETS.wholeVsPairs.z * se;

export interface SeedChecks {
  dpoWin: number;
  dpoPairsWin: number;
  wholeMinusPairs: number;
  /** Its standard error over the held-out prompts, and the lower bound judged. */
  wholeMinusPairsSe: number;
  wholeMinusPairsLower: number;
  ppoWin: number;
  rlooWin: number;
  /** RLOO's win minus PPO's (negative: RLOO behind). */
  rlooWinGap: number;
  /** RLOO's peak RSS / PPO's, at the bench's size. */
  rlooMemRatioTotal: number;
  /** The same ratio of the memory each child added after loading its modules (peak − start), at the bench's size. */
  rlooMemRatioAboveStart: number;
  /** RLOO's model state / PPO's (by definition, compare-memory.ts), at the bench's size. */
  rlooStateRatio: number;
  /** The probe's ratios (above start, and total), when it ran. */
  rlooMemRatioProbe?: number;
  rlooMemRatioProbeTotal?: number;
  /** The ratio the target is judged on: the probe's above start when it ran, else the bench's above start. */
  rlooMemRatio: number;
  rlooMemBasis: 'probe above start' | 'bench above start';
  ok: { dpoWin: boolean; rlooWin: boolean; rlooMem: boolean; wholeVsPairs: boolean };
}

function row(rows: readonly CompareRow[], method: RowMethod): CompareRow {
  const r = rows.find((x) => x.method === method);
  if (!r) throw new Error(`the comparison has no ${method} row`);
  return r;
}

const need = (r: CompareRow, k: 'win' | 'peakRssMb' | 'startRssMb' | 'modelStateMb'): number => {
  const v = r[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`the ${r.method} row has no ${k}`);
  return v;
};

/**
 * One seed's figures and targets (`wholeMinusPairsSe`: the standard error of whole rankings − pairs over the held-out
 * prompts, pairedDifference's; `probe`: the memory probe's runs, when it ran).
 */
export function seedChecks(rows: readonly CompareRow[], wholeMinusPairsSe: number, probe?: ProbeMemory): SeedChecks {
  const dpo = row(rows, 'dpo-rankings');
  const pairs = row(rows, 'dpo-pairs');
  const ppo = row(rows, 'ppo');
  const rloo = row(rows, 'rloo');
  const mem = (r: CompareRow): ChildMemory => ({ peakRssMb: need(r, 'peakRssMb'), startRssMb: need(r, 'startRssMb') });
  const benchAbove = aboveStart(mem(rloo)) / aboveStart(mem(ppo));
  const probeAbove = probe ? aboveStart(probe.rloo) / aboveStart(probe.ppo) : undefined;
  const wholeMinusPairs = need(dpo, 'win') - need(pairs, 'win');
  const c = {
    dpoWin: need(dpo, 'win'),
    dpoPairsWin: need(pairs, 'win'),
    wholeMinusPairs,
    wholeMinusPairsSe,
    wholeMinusPairsLower: lowerBound(wholeMinusPairs, wholeMinusPairsSe),
    ppoWin: need(ppo, 'win'),
    rlooWin: need(rloo, 'win'),
    rlooWinGap: need(rloo, 'win') - need(ppo, 'win'),
    rlooMemRatioTotal: need(rloo, 'peakRssMb') / need(ppo, 'peakRssMb'),
    rlooMemRatioAboveStart: benchAbove,
    rlooStateRatio: need(rloo, 'modelStateMb') / need(ppo, 'modelStateMb'),
    ...(probe ? { rlooMemRatioProbe: probeAbove, rlooMemRatioProbeTotal: probe.rloo.peakRssMb / probe.ppo.peakRssMb } : {}),
    rlooMemRatio: probeAbove ?? benchAbove,
    rlooMemBasis: probe ? ('probe above start' as const) : ('bench above start' as const),
  };
  const T = COMPARE_TARGETS;
  const eps = 1e-9; // win rates are multiples of 1/(2·prompts): compare without float noise
  return {
    ...c,
    ok: {
      dpoWin: c.dpoWin >= T.dpoWin - eps,
      rlooWin: c.rlooWinGap >= -T.rlooWinGap - eps,
      rlooMem: c.rlooMemRatio <= T.rlooMemRatio + eps,
      wholeVsPairs: c.wholeMinusPairsLower >= -T.wholeVsPairs.margin - eps,
    },
  };
}

/** What one seed's JSON line holds for the summary over seeds. */
export interface SeedLine {
  seed: number;
  dpo_win_vs_sft: number;
  dpo_pairs_win_vs_sft: number;
  whole_minus_pairs: number;
  /** Its standard error over the seed's held-out prompts. */
  whole_minus_pairs_se: number;
  ppo_win_vs_sft: number;
  rloo_win_vs_sft: number;
  /** The judged ratio (rloo_mem_basis says which). */
  rloo_mem_ratio: number;
  rloo_mem_basis?: SeedChecks['rlooMemBasis'];
  heldout_overlap: number;
  ok: SeedChecks['ok'];
}

export const SUMMARY_FIGURES = ['dpo_win_vs_sft', 'dpo_pairs_win_vs_sft', 'whole_minus_pairs', 'ppo_win_vs_sft', 'rloo_win_vs_sft', 'rloo_mem_ratio'] as const;

/**
 * Over seeds: DPO's win and RLOO's two targets must hold on EACH seed; whole rankings vs pairs on
 * the MEAN difference, its lower bound from the larger standard error of two: the seeds' own
 * (√Σse²/k, the sampling noise) and their spread (sd/√k, which also holds what training varies);
 * no held-out prompt in training; the wall time only for a full run (--quick is sized for a smoke
 * run, not for the time target).
 */
export function seedsPass(
  lines: readonly SeedLine[],
  wallSec: number,
  quick: boolean,
): { pass: boolean; wholeMinusPairs: { mean: number; sd: number; se: number; lower: number }; ok: Record<string, boolean> } {
  if (!lines.length) throw new Error('no seed results to summarise');
  const diffs = lines.map((l) => l.whole_minus_pairs);
  const k = lines.length;
  const se = Math.max(Math.sqrt(lines.reduce((a, l) => a + l.whole_minus_pairs_se ** 2, 0)) / k, sd(diffs) / Math.sqrt(k));
  const whole = { mean: mean(diffs), sd: sd(diffs), se, lower: lowerBound(mean(diffs), se) };
  const ok = {
    dpoWin: lines.every((l) => l.ok.dpoWin),
    rlooWin: lines.every((l) => l.ok.rlooWin),
    rlooMem: lines.every((l) => l.ok.rlooMem),
    wholeVsPairs: whole.lower >= -COMPARE_TARGETS.wholeVsPairs.margin - 1e-9,
    heldOut: lines.every((l) => l.heldout_overlap === 0),
    wall: quick || wallSec < COMPARE_TARGETS.wallSec,
  };
  return { pass: Object.values(ok).every(Boolean), wholeMinusPairs: whole, ok };
}
