// DPO from whole rankings vs DPO from pairs built from the same rankings: the rule that makes the
// two runs comparable, and what each one saw.
//
// The rule is equal compute. InstructGPT batches a ranking whole because it is cheaper (each of its
// K answers goes through the model once for all its K(K−1)/2 comparisons) and because it overfits
// less (by pairs, an answer is in K − 1 gradient terms spread over an epoch). Those are claims at a
// fixed budget of forward/backward passes, so both runs get the same one: the same optimizer steps,
// the same answers through the model per step (a pair is 2 answers: pairs per step = rankings per
// step × K / 2) and the same learning-rate schedule over those steps, from the same rankings file.
// By pairs that budget covers fewer comparisons (per step 1/(K − 1) as many for rankings without
// ties); that is the point being tested, not a handicap. The earlier rule, equal epochs over each method's own elements,
// gave pairs twice the steps (and let it drift 3x further in KL), so it compared budgets, not
// batchings. Matching KL instead (a learning-rate sweep per method and seed) would cost several DPO
// runs per seed; the KL of both runs is reported beside the difference so a win bought with drift shows.
//   --quick seed 1 (load 26), 62 steps of 32 answers each: whole rankings 69.5 % vs SFT (KL 1.97, 1930
// comparisons seen), pairs 72.0 % (KL 1.72, 981): −2.5 points, one seed of 100 prompts (a win rate's standard
// error there is ~4.6 points). Under the earlier rule pairs took 2x the steps: 73.0 % (KL 6.6) vs 70.5 % (KL 2.0).

import { readFileSync } from 'node:fs';
import { relations } from './labelers';
import type { BenchSettings } from './settings';

/** Pairs per step by pairs: as many answers through the model per step as a batch of whole rankings. */
export function pairBatch(s: BenchSettings): number {
  return Math.max(1, Math.round((s.compare.dpo.batchSize * s.label.temperatures.length) / 2));
}

export interface RankingCounts {
  /** Rankings with at least one strict pair (the trainer drops the others). */
  rankings: number;
  /** Their strict pairs (ties give none) and their answers. */
  pairs: number;
  answers: number;
}

/** Counts a whole-ranking JSONL file's rankings, strict pairs and answers. */
export function rankingCounts(file: string): RankingCounts {
  const c: RankingCounts = { rankings: 0, pairs: 0, answers: 0 };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { responses: string[]; tiers: number[][] };
    const k = row.responses.length;
    const rel = relations(row.tiers, k);
    let strict = 0;
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) if (rel[i][j] !== 0) strict++;
    if (!strict) continue;
    c.rankings++;
    c.pairs += strict;
    c.answers += k;
  }
  return c;
}

/** Elements the trainer's step order visits in `steps` steps of `batch` over `n` (each pass reshuffled, its last batch short). */
export function elementsSeen(n: number, batch: number, steps: number): number {
  const perPass = Math.ceil(n / batch);
  return Math.floor(steps / perPass) * n + Math.min((steps % perPass) * batch, n);
}

export interface DPOBudget {
  steps: number;
  /** Rankings or pairs per optimizer step. */
  batch: number;
  /** Answers through the model per step (by rankings: the mean ranking's K times the batch). */
  answersPerStep: number;
  /** Strict comparisons in the loss over the run (by rankings: every strict pair of each ranking visited). */
  comparisonsSeen: number;
  /** Passes over the method's own elements (rankings or pairs). */
  passes: number;
}

/** What each DPO run of the comparison saw, from the rankings file's counts and the steps each took. */
export function dpoBudgets(s: BenchSettings, c: RankingCounts, steps: { rankings: number; pairs: number }): { rankings: DPOBudget; pairs: DPOBudget } {
  const b = s.compare.dpo.batchSize;
  const pb = pairBatch(s);
  const rankingsSeen = elementsSeen(c.rankings, b, steps.rankings);
  const pairsSeen = elementsSeen(c.pairs, pb, steps.pairs);
  return {
    rankings: {
      steps: steps.rankings,
      batch: b,
      answersPerStep: (c.answers / c.rankings) * b,
      comparisonsSeen: rankingsSeen * (c.pairs / c.rankings),
      passes: rankingsSeen / c.rankings,
    },
    pairs: { steps: steps.pairs, batch: pb, answersPerStep: 2 * pb, comparisonsSeen: pairsSeen, passes: pairsSeen / c.pairs },
  };
}
