// The ranking so far in notation ("A > B > C = D", then "unranked: E"), read out as it changes.
import { LETTERS } from "@/lib/ranking/letters";
import { formatRanking } from "@/lib/ranking/notation";
import { expandPairs } from "@/lib/ranking/pairs";
import { isComplete, partialNotation, rankedTiers, type Board } from "./board-state";

/** "5 comparisons, 1 tie" for a complete ranking. */
export function pairSummary(comparisons: number, ties: number): string {
  const c = `${comparisons} comparison${comparisons === 1 ? "" : "s"}`;
  return ties > 0 ? `${c}, ${ties} tie${ties === 1 ? "" : "s"}` : c;
}

export function RankingNotation({ board }: { board: Board }) {
  const complete = isComplete(board);
  const tiers = rankedTiers(board);
  const ranked = complete ? formatRanking(tiers) : partialNotation(board);
  const unranked = board.unranked.map((p) => LETTERS[p]).join(", ");
  const pairs = complete && tiers.flat().length >= 2 ? expandPairs(tiers) : null;
  const ties = pairs?.filter((p) => p.tie).length ?? 0;
  return (
    <div className="min-w-0">
      <div className="text-xs text-zinc-500 dark:text-zinc-400">Your ranking</div>
      <p data-testid="ranking-notation" aria-live="polite" aria-atomic="true" className="font-mono text-base font-semibold">
        {ranked}
        {ranked && unranked && <span aria-hidden> · </span>}
        {unranked && <span className="font-normal text-zinc-500 dark:text-zinc-400">unranked: {unranked}</span>}
      </p>
      {pairs && <div className="text-xs text-zinc-500 dark:text-zinc-400">{pairSummary(pairs.length - ties, ties)}</div>}
    </div>
  );
}
