// A ranking of K answers implies C(K,2) pairwise comparisons (InstructGPT trains on all of them).
import { validateTiers, type Tiers } from "./tiers";
import { assertK } from "./letters";

export type Pair = {
  /** Display position of the better answer (for a tie: the lower position). */
  chosen: number;
  /** Display position of the worse answer (for a tie: the higher position). */
  rejected: number;
  tie: boolean;
  /** Tier distance between chosen and rejected; 0 for a tie. */
  margin: number;
};

/** C(k,2): the number of pairs a ranking of k answers implies. */
export function pairCount(k: number): number {
  return (k * (k - 1)) / 2;
}

/**
 * Every pair of positions once, ordered by (lower position, higher position). The chosen answer is
 * the one in the better (lower-index) tier; a tie keeps display order (lower position chosen) with margin 0.
 */
export function expandPairs(tiers: Tiers): Pair[] {
  const k = tiers.reduce((n, tier) => n + tier.length, 0);
  assertK(k);
  validateTiers(tiers, k);
  const tierOfPos = new Array<number>(k);
  tiers.forEach((tier, t) => tier.forEach((pos) => (tierOfPos[pos] = t)));
  const pairs: Pair[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      // validateTiers: every position 0..k-1 is in exactly one tier, so both are set.
      const ta = tierOfPos[a]!;
      const tb = tierOfPos[b]!;
      if (ta === tb) pairs.push({ chosen: a, rejected: b, tie: true, margin: 0 });
      else if (ta < tb) pairs.push({ chosen: a, rejected: b, tie: false, margin: tb - ta });
      else pairs.push({ chosen: b, rejected: a, tie: false, margin: ta - tb });
    }
  }
  return pairs;
}
