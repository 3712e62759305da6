// Checks a parsed ranking submission against its task's K: the step after zod, before the database.
import { RankingError } from "./errors";
import { letterOf } from "./letters";
import { parseRanking } from "./notation";
import { normalizeTiers, validateTiers, type Tiers } from "./tiers";

/** Tiers from either form a submission may carry (tiers or "A > B = C"), validated for k answers. */
export function resolveTiers(input: Tiers | string, k: number): Tiers {
  if (typeof input === "string") return parseRanking(input, k);
  validateTiers(input, k);
  return normalizeTiers(input);
}

/**
 * A preference strength fits only a pairwise task (K = 2) whose two answers are in different tiers;
 * a tie has no strength. Returns the strength to store (null when none is given).
 */
export function checkStrength<S extends string>(strength: S | undefined, tiers: Tiers, k: number): S | null {
  if (strength === undefined) return null;
  if (k !== 2) throw new RankingError("strength", `A preference strength fits only a task with two answers; this one has ${k}.`);
  if (tiers.length !== 2) throw new RankingError("strength", "A tie has no preference strength: pick the better answer, or leave the strength out.");
  return strength;
}

export type AnswerMeta = { position: number; likert?: number; flags?: string[]; ratings?: Record<string, number> };

/** Throws unless every answer's position is one of the task's k positions (each at most once). */
export function checkAnswers(answers: readonly AnswerMeta[], k: number): void {
  const seen = new Set<number>();
  for (const a of answers) {
    if (a.position >= k)
      throw new RankingError("not_in_task", `Answer ${letterOf(a.position)} is not in this task, whose answers are A to ${letterOf(k - 1)}.`);
    if (seen.has(a.position)) throw new RankingError("duplicate", `Answer ${letterOf(a.position)} has its details given twice.`);
    seen.add(a.position);
  }
}
