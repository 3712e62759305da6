// Shared helpers: where each position sits in a tiering.
import type { Tiers } from "../ranking/tiers";
import { QualityError } from "./errors";

/** position → tier index (0 = best). Throws when a position appears twice. */
export function tierIndexOf(tiers: Tiers): Map<number, number> {
  const out = new Map<number, number>();
  tiers.forEach((tier, t) =>
    tier.forEach((pos) => {
      if (out.has(pos)) throw new QualityError("bad_tiers", `Position ${pos} appears twice in one ranking.`);
      out.set(pos, t);
    }),
  );
  return out;
}

/**
 * position → 1-based average rank ("fractional ranking"): in A > B = C > D, A is 1, B and C are 2.5, D is 4.
 */
export function averageRanks(tiers: Tiers): Map<number, number> {
  tierIndexOf(tiers); // rejects duplicates
  const out = new Map<number, number>();
  let above = 0;
  for (const tier of tiers) {
    const rank = above + (tier.length + 1) / 2;
    for (const pos of tier) out.set(pos, rank);
    above += tier.length;
  }
  return out;
}
