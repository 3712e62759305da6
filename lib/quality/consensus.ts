// Consensus ranking of one task across its labelers.
import type { Tiers } from "../ranking/tiers";
import { kendallTauB, pairAgreement } from "./agreement";
import { QualityError } from "./errors";
import { averageRanks } from "./ranks";

export type TaskRanking = { labelerId: string; tiers: Tiers };

export type Consensus = {
  /** Best first; answers with equal Borda scores share a tier; positions ascending within a tier. */
  tiers: Tiers;
  /** scores[position]: the answer's Borda score summed over labelers. */
  scores: number[];
  /** Each labeler's ranking against the consensus, in input order. */
  perLabeler: { labelerId: string; agreements: number; sharedPairs: number; rate: number; tau: number | null }[];
};

/**
 * Borda count with ties: from each labeler an answer gets K − (its average rank), i.e. one point
 * per answer ranked below it and half a point per answer tied with it (A > B = C: A 2, B 0.5, C 0.5).
 * Scores are summed over labelers; equal totals tie. All rankings must cover the same positions.
 */
export function consensusRanking(rankings: readonly TaskRanking[]): Consensus {
  const first = rankings[0];
  if (first === undefined) throw new QualityError("no_rankings", "A consensus needs at least one ranking.");
  const positions = first.tiers.flat().sort((a, b) => a - b);
  const k = positions.length;
  const key = positions.join(",");
  const scoreOf = new Map<number, number>(positions.map((p) => [p, 0]));
  for (const r of rankings) {
    if (
      r.tiers
        .flat()
        .sort((a, b) => a - b)
        .join(",") !== key
    )
      throw new QualityError("different_answers", `The ranking by ${r.labelerId} does not cover the same answers as the others.`);
    for (const [pos, rank] of averageRanks(r.tiers)) scoreOf.set(pos, scoreOf.get(pos)! + (k - rank));
  }
  // Scores are multiples of 0.5, so equality is exact.
  const distinct = [...new Set(scoreOf.values())].sort((a, b) => b - a);
  const tiers: Tiers = distinct.map((s) => positions.filter((p) => scoreOf.get(p) === s));
  const scores: number[] = [];
  for (const [pos, s] of scoreOf) scores[pos] = s;
  const perLabeler = rankings.map((r) => {
    const pa = pairAgreement(r.tiers, tiers);
    return { labelerId: r.labelerId, ...pa, rate: pa.sharedPairs > 0 ? pa.agreements / pa.sharedPairs : 1, tau: kendallTauB(r.tiers, tiers) };
  });
  return { tiers, scores, perLabeler };
}
