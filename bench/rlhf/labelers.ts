// Simulated labelers: each ranks the K answers of a prompt by the oracle's score plus their own
// Gaussian noise (one draw per distinct text: identical answers always tie), putting answers whose
// noisy scores are within TIE_GAP of a tier's best in that tier (a tie). The noise is calibrated so that two labelers agree on ~73% of pairs, as
// InstructGPT's labelers did (72.6 ± 1.5%). Their rankings are written in the app's whole-ranking
// export layout (lib/exports/rows.ts rankingRow), so the reward model reads what the product exports.

import { rankingRow, type RankingRow } from '../../lib/exports/rows';
import { normal, prng } from '../../ml/index';
import { judge } from './oracle';

export const TARGET_AGREEMENT = 0.73;
/** Noisy scores closer than this to a tier's best join that tier (oracle scores span 0..1.25). */
const TIE_GAP = 0.04;

export type Tiers = number[][];

/** The answers of one prompt: their oracle scores and texts (identical texts look identical to a labeler). */
export interface ScoredGroup {
  scores: readonly number[];
  texts: readonly string[];
}

export class Labeler {
  private readonly noise: () => number;
  constructor(
    readonly name: string,
    readonly sigma: number,
    seed: number,
  ) {
    this.noise = normal(prng(seed));
  }

  /** The labeler's noisy view of each answer's oracle score; one view per distinct text. */
  perceive(g: ScoredGroup): number[] {
    const seen = new Map<string, number>();
    return g.scores.map((s, i) => {
      let v = seen.get(g.texts[i]);
      if (v === undefined) seen.set(g.texts[i], (v = s + this.sigma * this.noise()));
      return v;
    });
  }

  /** Tiers, best first; identical answers always share a tier. */
  rank(g: ScoredGroup): { tiers: Tiers; noisy: number[] } {
    const noisy = this.perceive(g);
    return { tiers: tiersOf(noisy), noisy };
  }
}

/** Groups positions by descending value; a value within TIE_GAP of its tier's first joins it. */
export function tiersOf(values: readonly number[]): Tiers {
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const tiers: Tiers = [];
  let head = Infinity;
  for (const i of order) {
    if (tiers.length && head - values[i] < TIE_GAP) tiers[tiers.length - 1].push(i);
    else {
      tiers.push([i]);
      head = values[i];
    }
  }
  return tiers.map((t) => t.sort((a, b) => a - b));
}

/** rel[i][j] = +1 when i is ranked above j, -1 below, 0 tied. */
export function relations(tiers: Tiers, k: number): number[][] {
  const tierOf = new Array<number>(k);
  tiers.forEach((t, ti) => t.forEach((i) => (tierOf[i] = ti)));
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => Math.sign(tierOf[j] - tierOf[i])));
}

/**
 * Fraction of the pairs of distinct answers on which two labelers with noise `sigma` give the
 * same relation (>, <, or =). Pairs of identical answers are left out: everyone ties them.
 */
export function agreement(sigma: number, groups: readonly ScoredGroup[], seed: number): number {
  const a = new Labeler('a', sigma, seed);
  const b = new Labeler('b', sigma, seed + 7919);
  let same = 0;
  let pairs = 0;
  for (const g of groups) {
    const k = g.scores.length;
    const ra = relations(a.rank(g).tiers, k);
    const rb = relations(b.rank(g).tiers, k);
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) {
        if (g.texts[i] === g.texts[j]) continue;
        pairs++;
        if (ra[i][j] === rb[i][j]) same++;
      }
  }
  return pairs ? same / pairs : NaN;
}

/** The noise at which two labelers agree on `target` of the pairs of these groups (bisection, seeded). */
export function calibrateNoise(groups: readonly ScoredGroup[], seed: number, target = TARGET_AGREEMENT): number {
  let lo = 0;
  let hi = 4;
  for (let it = 0; it < 30; it++) {
    const mid = (lo + hi) / 2;
    if (agreement(mid, groups, seed) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The noise ceiling: over the labelers' strict preferences, how often the oracle itself orders
 * the pair the same way (an oracle tie counts half). No model of the labels can beat it on average.
 */
export function oracleVsLabeler(rankings: ReadonlyArray<{ tiers: Tiers; scores: readonly number[] }>): number {
  let agree = 0;
  let pairs = 0;
  for (const { tiers, scores } of rankings) {
    const rel = relations(tiers, scores.length);
    for (let i = 0; i < scores.length; i++)
      for (let j = i + 1; j < scores.length; j++) {
        if (rel[i][j] === 0) continue;
        pairs++;
        const d = scores[i] - scores[j];
        agree += Math.abs(d) < 1e-9 ? 0.5 : Math.sign(d) === rel[i][j] ? 1 : 0;
      }
  }
  return pairs ? agree / pairs : NaN;
}

/** A pool of labelers with the same calibrated noise; ranking r goes to labeler r mod n. */
function labelerPool(n: number, sigma: number, seed: number): Labeler[] {
  return Array.from({ length: n }, (_, i) => new Labeler(`labeler-${i + 1}`, sigma, seed * 1000 + i));
}

/** One whole-ranking export line (the app's "rankings" layout, prompt as messages). */
export function rankingLine(
  prompt: string,
  responses: readonly string[],
  tiers: Tiers,
  noisy: readonly number[],
  labeler: Labeler,
  timeSpentMs: number,
): RankingRow {
  return rankingRow(
    {
      prompt: { messages: [{ role: 'user', content: prompt }], format: 'chat' },
      responses,
      tiers,
      likert: noisy.map((s) => Math.min(7, Math.max(1, Math.round(1 + (6 * s) / 1.25)))),
      flags: responses.map(() => []),
      labeler: labeler.name,
      timeSpentMs,
    },
    'messages',
  );
}

export interface LabelledSet {
  /** Whole-ranking export lines, one per group, in order. */
  lines: string[];
  sigma: number;
  /** Two fresh labelers' pairwise agreement over all the groups. */
  agreement: number;
  /** How often the oracle agrees with the labelers' strict preferences on the held-out groups. */
  noiseCeiling: number;
  /** Oracle-correct and styled fractions of all the answers ranked. */
  correct: number;
  styled: number;
}

/**
 * The labelling job: the noise is calibrated on the first `calibrate` groups, a pool of labelers
 * ranks every group; two fresh labelers' agreement is measured over all groups, the noise ceiling
 * on the groups after the first `calibrate` (the held-out rankings).
 */
export function labelGroups(
  groups: ReadonlyArray<{ prompt: string; responses: string[] }>,
  o: { seed: number; labelers: number; calibrate: number },
): LabelledSet {
  const judged = groups.map((g) => g.responses.map((r) => judge(g.prompt, r)));
  const scored = groups.map((g, i) => ({ scores: judged[i].map((j) => j.score), texts: g.responses }));
  const sigma = calibrateNoise(scored.slice(0, o.calibrate), o.seed);
  const pool = labelerPool(o.labelers, sigma, o.seed + 1);
  const ranked = groups.map((g, i) => ({ labeler: pool[i % pool.length], scores: scored[i].scores, ...pool[i % pool.length].rank(scored[i]) }));
  const lines = ranked.map((r, i) =>
    JSON.stringify(rankingLine(groups[i].prompt, groups[i].responses, r.tiers, r.noisy, r.labeler, 20000 + ((i * 7919) % 60000))),
  );
  const all = judged.flat();
  return {
    lines,
    sigma,
    agreement: agreement(sigma, scored, o.seed + 2),
    noiseCeiling: oracleVsLabeler(ranked.slice(o.calibrate)),
    correct: all.filter((j) => j.correct).length / all.length,
    styled: all.filter((j) => j.styled).length / all.length,
  };
}
