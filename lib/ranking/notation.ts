// The text form of a ranking: "A > B > C = D" (">" separates tiers best-first, "=" ties).
import { RankingError } from "./errors";
import { assertK, letterOf, positionOf } from "./letters";
import { normalizeTiers, validateTiers, type Tiers } from "./tiers";

/** "A > B > C = D" from [[0],[1],[3,2]]; letters inside a tier are sorted. Throws unless tiers are complete. */
export function formatRanking(tiers: Tiers): string {
  validateTiers(
    tiers,
    tiers.reduce((n, tier) => n + (Array.isArray(tier) ? tier.length : 0), 0),
  );
  return normalizeTiers(tiers)
    .map((tier) => tier.map(letterOf).join(" = "))
    .join(" > ");
}

/**
 * Reads "A > B > C = D" (whitespace-tolerant, case-insensitive) for a task of k answers into tiers,
 * positions sorted within each tier. Throws a one-sentence RankingError naming the first problem.
 */
export function parseRanking(text: string, k: number): Tiers {
  assertK(k);
  const compact = text.replace(/\s+/g, "");
  if (compact === "") throw new RankingError("empty", "The ranking is empty.");
  const bad = compact.match(/[^A-Za-z>=]/);
  if (bad) throw new RankingError("garbage", `The ranking contains "${bad[0]}"; use letters, ">" and "=" only.`);
  const lastLetter = letterOf(k - 1);
  const tiers: Tiers = [];
  const seen = new Set<number>();
  for (const tierText of compact.split(">")) {
    if (tierText === "") throw new RankingError("empty_tier", `The ranking "${text.trim()}" has an empty tier.`);
    const tier: number[] = [];
    for (const item of tierText.split("=")) {
      if (item === "") throw new RankingError("empty_tier", `The ranking "${text.trim()}" has a tie with a missing answer.`);
      if (item.length > 1) throw new RankingError("garbage", `"${item}" is not an answer letter; separate answers with ">" or "=".`);
      const pos = positionOf(item);
      if (pos < 0 || pos >= k) throw new RankingError("not_in_task", `Answer ${item.toUpperCase()} is not in this task, whose answers are A to ${lastLetter}.`);
      if (seen.has(pos)) throw new RankingError("duplicate", `Answer ${item.toUpperCase()} is named twice.`);
      seen.add(pos);
      tier.push(pos);
    }
    tiers.push(tier);
  }
  const result = normalizeTiers(tiers);
  validateTiers(result, k); // reports answers left out
  return result;
}
