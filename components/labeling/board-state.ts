// The ranking board's state: answers placed into tiers (best first) or still unranked.
// Pure helpers, each returning a new board. Tier indices always refer to the board as shown.
// A tier key (`placeByKey`) puts an answer in exactly the tier numbered on screen, so tiers above it
// may be empty, and they are shown (empty ones at the end are dropped); a drag or the Place menu
// closes up the tiers left empty. The notation and the submission skip empty tiers. (Candidates for lib/ranking: they extend tiers.ts to a
// partial ranking, which tiers.ts cannot hold because it requires every answer to be placed.)
import { LETTERS } from "@/lib/ranking/letters";

export type Board = { tiers: number[][]; unranked: number[] };

/** Every answer unranked, so an untouched board can never be submitted by accident. */
export function startBoard(k: number): Board {
  return { tiers: [], unranked: Array.from({ length: k }, (_, p) => p) };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** The tier index holding pos, or -1 when it is unranked. */
export function tierIndexOf(board: Board, pos: number): number {
  return board.tiers.findIndex((tier) => tier.includes(pos));
}

/** Removes pos everywhere; tiers keep their indices (one may be left empty until `tidy`). */
function lift(board: Board, pos: number): Board {
  return { tiers: board.tiers.map((t) => t.filter((p) => p !== pos)), unranked: board.unranked.filter((p) => p !== pos) };
}

function tidy(board: Board): Board {
  return { tiers: board.tiers.filter((t) => t.length > 0).map(sorted), unranked: sorted(board.unranked) };
}

/** Puts pos into tier `tierIndex` exactly (0-based, as numbered on screen), keeping empty tiers above it. */
export function placeByKey(board: Board, pos: number, tierIndex: number): Board {
  const next = lift(board, pos);
  const i = Math.max(0, tierIndex);
  while (next.tiers.length <= i) next.tiers.push([]);
  next.tiers[i]!.push(pos); // the loop above made tier i
  return trimEnd({ tiers: next.tiers.map(sorted), unranked: sorted(next.unranked) });
}

/** Drops the empty tiers at the end (those between ranked answers stay where they are shown). */
function trimEnd(board: Board): Board {
  const tiers = [...board.tiers];
  while (tiers.at(-1)?.length === 0) tiers.pop();
  return { ...board, tiers };
}

/** The tiers that hold answers, best first: what the notation and the submission use. */
export const rankedTiers = (board: Board): number[][] => board.tiers.filter((t) => t.length > 0);

/** Puts pos into tier `tierIndex`; an index past the last tier makes a new last tier. */
function placeInTier(board: Board, pos: number, tierIndex: number): Board {
  if (tierIndex >= board.tiers.length) return placeInNewTier(board, pos, board.tiers.length);
  const next = lift(board, pos);
  next.tiers[Math.max(0, tierIndex)]!.push(pos); // tierIndex < tiers.length, and lift keeps every tier
  return tidy(next);
}

/** Puts pos alone into a new tier inserted before tier `beforeIndex` (tiers.length appends). */
function placeInNewTier(board: Board, pos: number, beforeIndex: number): Board {
  const next = lift(board, pos);
  next.tiers.splice(Math.min(Math.max(0, beforeIndex), next.tiers.length), 0, [pos]);
  return tidy(next);
}

/** Ties pos with the nearest tier above its own that holds answers; an unranked answer ties with the last one. */
export function tieWithAbove(board: Board, pos: number): Board {
  const t = tierIndexOf(board, pos);
  const from = t < 0 ? board.tiers.length : t;
  for (let i = from - 1; i >= 0; i--) if (board.tiers[i]?.some((p) => p !== pos)) return placeByKey(board, pos, i);
  return t < 0 ? placeByKey(board, pos, 0) : board;
}

/** Returns pos to the unranked answers. */
export function unrank(board: Board, pos: number): Board {
  const next = lift(board, pos);
  next.unranked.push(pos);
  return trimEnd({ tiers: next.tiers, unranked: sorted(next.unranked) }); // the other tiers keep their numbers
}

/** Where an answer can be put: into a tier, into a new tier before tier `before`, or back to unranked. */
export type Placement = { kind: "tier"; index: number } | { kind: "new"; before: number } | { kind: "unranked" };

export function place(board: Board, pos: number, to: Placement): Board {
  if (to.kind === "tier") return placeInTier(board, pos, to.index);
  if (to.kind === "new") return placeInNewTier(board, pos, to.before);
  return unrank(board, pos);
}

export const isComplete = (board: Board) => board.unranked.length === 0 && rankedTiers(board).length > 0;

/** Answers in the order the board shows them: tier by tier, then the unranked ones. */
export const visualOrder = (board: Board): number[] => [...board.tiers.flat(), ...board.unranked];

/** "A > B = C" for the ranked part (may be empty), whatever is still unranked. */
export function partialNotation(board: Board): string {
  return rankedTiers(board)
    .map((t) => t.map((p) => LETTERS[p]).join(" = "))
    .join(" > ");
}

/** True when `value` is a board holding each of the positions 0..k-1 exactly once. */
export function isBoardFor(value: unknown, k: number): value is Board {
  if (typeof value !== "object" || value === null) return false;
  const { tiers, unranked } = value as Partial<Board>;
  if (!Array.isArray(tiers) || !Array.isArray(unranked)) return false;
  if (!tiers.every((t) => Array.isArray(t))) return false; // empty tiers are kept where a tier key left them
  const all: unknown[] = [...tiers.flat(), ...unranked];
  return all.length === k && new Set(all).size === k && all.every((p) => Number.isInteger(p) && (p as number) >= 0 && (p as number) < k);
}

/** Pairs the ranking orders one way while the Likert scores order the other way ("A above B, rated lower"). */
export function likertConflicts(board: Board, likert: Record<number, number | undefined>): [better: number, worse: number][] {
  const out: [number, number][] = [];
  board.tiers.forEach((tier, t) =>
    board.tiers.slice(t + 1).forEach((lower) =>
      tier.forEach((a) =>
        lower.forEach((b) => {
          const la = likert[a];
          const lb = likert[b];
          if (la !== undefined && lb !== undefined && la < lb) out.push([a, b]);
        }),
      ),
    ),
  );
  return out;
}
