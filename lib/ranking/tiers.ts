// Tiers: display positions grouped best-first; [[0],[1],[2,3]] is "A > B > C = D".
// Every helper here is pure: it returns new arrays and never changes its input.
import { RankingError } from "./errors";
import { assertK, letterOf } from "./letters";

export type Tiers = number[][];

/** Throws a RankingError unless `tiers` holds every position 0..k-1 exactly once in non-empty tiers. */
export function validateTiers(tiers: unknown, k: number): asserts tiers is Tiers {
  assertK(k);
  if (!Array.isArray(tiers) || tiers.length === 0) throw new RankingError("empty", "The ranking has no tiers.");
  const seen = new Set<number>();
  tiers.forEach((tier: unknown, t) => {
    if (!Array.isArray(tier) || tier.length === 0) throw new RankingError("empty_tier", `Tier ${t + 1} of the ranking is empty.`);
    for (const pos of tier as unknown[]) {
      if (typeof pos !== "number" || !Number.isInteger(pos) || pos < 0 || pos >= k)
        throw new RankingError("not_in_task", `Position ${String(pos)} is not one of this task's positions 0 to ${k - 1}.`);
      if (seen.has(pos)) throw new RankingError("duplicate", `Answer ${letterOf(pos)} is ranked twice.`);
      seen.add(pos);
    }
  });
  const missing: string[] = [];
  for (let pos = 0; pos < k; pos++) if (!seen.has(pos)) missing.push(letterOf(pos));
  if (missing.length > 0)
    throw new RankingError("missing", missing.length === 1 ? `Answer ${missing[0]} is not ranked.` : `Answers ${missing.join(", ")} are not ranked.`);
}

/** Copies tiers with each tier's positions in display order. */
export function normalizeTiers(tiers: Tiers): Tiers {
  return tiers.map((tier) => [...tier].sort((a, b) => a - b));
}

/** The starting point of the keyboard ranking UI: each answer its own tier, in display order. */
export function unrankedStart(k: number): Tiers {
  assertK(k);
  return Array.from({ length: k }, (_, pos) => [pos]);
}

/** The index of the tier holding `pos`; throws when it is in none. */
function tierOf(tiers: Tiers, pos: number): number {
  const index = tiers.findIndex((tier) => tier.includes(pos));
  if (index < 0) throw new RankingError("bad_move", `Position ${pos} is not in this ranking.`);
  return index;
}

/** Removes pos from its tier (tier indices are kept; the tier may become empty). */
function without(tiers: Tiers, pos: number): Tiers {
  return tiers.map((tier) => tier.filter((p) => p !== pos));
}

function tidy(tiers: Tiers): Tiers {
  return normalizeTiers(tiers.filter((tier) => tier.length > 0));
}

/**
 * Moves `pos` into tier `tierIndex` (an index into the tiers before the move; tiers.length makes a
 * new last tier). Tiers left empty by the move are removed.
 */
export function moveToTier(tiers: Tiers, pos: number, tierIndex: number): Tiers {
  tierOf(tiers, pos);
  if (!Number.isInteger(tierIndex) || tierIndex < 0 || tierIndex > tiers.length)
    throw new RankingError("bad_move", `Tier ${tierIndex} does not exist; use 0 to ${tiers.length}.`);
  const next = without(tiers, pos);
  if (tierIndex === tiers.length) next.push([pos]);
  else next[tierIndex] = [...(next[tierIndex] ?? []), pos];
  return tidy(next);
}

/**
 * Moves `pos` into a new tier of its own, inserted before tier `beforeIndex` (an index into the tiers
 * before the move; tiers.length appends). Tiers left empty are removed.
 */
export function moveToNewTier(tiers: Tiers, pos: number, beforeIndex: number): Tiers {
  tierOf(tiers, pos);
  if (!Number.isInteger(beforeIndex) || beforeIndex < 0 || beforeIndex > tiers.length)
    throw new RankingError("bad_move", `Tier ${beforeIndex} does not exist; use 0 to ${tiers.length}.`);
  const next = without(tiers, pos);
  next.splice(beforeIndex, 0, [pos]);
  return tidy(next);
}

/** Ties `pos` with the tier above its own; in the top tier it is returned unchanged (as a copy). */
export function tieWithAbove(tiers: Tiers, pos: number): Tiers {
  const t = tierOf(tiers, pos);
  return t === 0 ? normalizeTiers(tiers) : moveToTier(tiers, pos, t - 1);
}

/**
 * Moves `pos` one step up. A tied answer is split out of its tie into its own tier just above it;
 * an answer alone in its tier swaps places with the tier above. At the top it is unchanged.
 */
export function moveUp(tiers: Tiers, pos: number): Tiers {
  const t = tierOf(tiers, pos);
  if (tiers[t]!.length > 1) return moveToNewTier(tiers, pos, t); // tierOf returns an index into tiers
  if (t === 0) return normalizeTiers(tiers);
  return moveToNewTier(tiers, pos, t - 1);
}

/**
 * Moves `pos` one step down. A tied answer is split out of its tie into its own tier just below it;
 * an answer alone in its tier swaps places with the tier below. At the bottom it is unchanged.
 */
export function moveDown(tiers: Tiers, pos: number): Tiers {
  const t = tierOf(tiers, pos);
  if (tiers[t]!.length > 1) return moveToNewTier(tiers, pos, t + 1); // tierOf returns an index into tiers
  if (t === tiers.length - 1) return normalizeTiers(tiers);
  // Its own tier (index t) disappears, so inserting before the old index t+2 lands after tier t+1.
  return moveToNewTier(tiers, pos, t + 2);
}
