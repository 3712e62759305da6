// Display positions 0..8 are shown to labelers as the letters A..I.
import { RankingError } from "./errors";

const MIN_K = 2;
export const MAX_K = 9;
export const LETTERS = ["A", "B", "C", "D", "E", "F", "G", "H", "I"] as const;
export type Letter = (typeof LETTERS)[number];

/** The letter of display position `pos` (0 → "A"). */
export function letterOf(pos: number): Letter {
  const letter = LETTERS[pos];
  if (!Number.isInteger(pos) || letter === undefined) throw new RankingError("not_in_task", `Position ${pos} is not one of the positions 0 to ${MAX_K - 1}.`);
  return letter;
}

/** The display position of a letter, case-insensitive ("b" → 1), or -1 when it is not A..I. */
export function positionOf(letter: string): number {
  return LETTERS.indexOf(letter.toUpperCase() as Letter);
}

/** Throws unless k is an integer in 2..9. */
export function assertK(k: number): void {
  if (!Number.isInteger(k) || k < MIN_K || k > MAX_K)
    throw new RankingError("bad_k", `A ranking task must have between ${MIN_K} and ${MAX_K} answers, not ${k}.`);
}
