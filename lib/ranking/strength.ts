// Llama 2's preference strength for pairwise (K = 2) comparisons (Touvron et al. 2023, §3.2.1):
// how much better the chosen answer is. One table: the key layout of the A | B view, the labels,
// and the margin the exports write (Llama 2's "margin large": 3 / 2 / 1 / 0, used in the reward
// model's loss as -log σ(r_chosen - r_rejected - margin)).
export const STRENGTHS = [
  { id: "significantly", label: "significantly better", margin: 3 },
  { id: "better", label: "better", margin: 2 },
  { id: "slightly", label: "slightly better", margin: 1 },
  { id: "negligibly", label: "negligibly better / unsure", margin: 0 },
] as const;

export type StrengthId = (typeof STRENGTHS)[number]["id"];
export const STRENGTH_IDS = STRENGTHS.map((s) => s.id) as unknown as readonly [StrengthId, ...StrengthId[]];

export const strengthMargin = (id: StrengthId): number => STRENGTHS.find((s) => s.id === id)!.margin;
export const strengthLabel = (id: StrengthId): string => STRENGTHS.find((s) => s.id === id)!.label;

/** The documented mapping, for the dataset card and the README. */
export const STRENGTH_MARGIN_TEXT = STRENGTHS.map((s) => `${s.label} → ${s.margin}`).join(", ");

/**
 * The A | B keyboard scale, left to right: 1–4 = A better (significantly … negligibly/unsure),
 * 6–9 = B better, mirrored (6 negligibly … 9 significantly). 5 is not used: there is no tie.
 */
export function strengthForKey(key: string): { better: 0 | 1; strength: StrengthId } | null {
  if (!/^[1-46-9]$/.test(key)) return null;
  const n = Number(key);
  // The key is 1-4 or 6-9, so both indices are 0-3: the four strengths.
  return n <= 4 ? { better: 0, strength: STRENGTHS[n - 1]!.id } : { better: 1, strength: STRENGTHS[9 - n]!.id };
}

/** The key that picks `strength` for answer `better` (the inverse of strengthForKey). */
export const keyFor = (better: 0 | 1, strength: StrengthId): string => {
  const i = STRENGTHS.findIndex((s) => s.id === strength);
  return String(better === 0 ? i + 1 : 9 - i);
};
