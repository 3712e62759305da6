"use client";
// Editing a past ranking on the same tier board the task used: the answers shown, tiers by drag,
// menu or number key, Likert scores and flags kept; saved with PUT /api/rankings/[id].
import { useId, useState } from "react";
import type { RankingEditState } from "@/lib/labeling/labeler-home";
import { resultUrl } from "@/lib/labeling/task-kinds";
import { cleanMeta, type AnswerMeta } from "../labeling/answer-meta";
import { isComplete, rankedTiers, type Board } from "../labeling/board-state";
import { RankingNotation } from "../labeling/ranking-notation";
import { TierBoard } from "../labeling/tier-board";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";

export function RankingEditor({ id, state, onDone, onCancel }: { id: string; state: RankingEditState; onDone: () => void; onCancel: () => void }) {
  const texts = new Map(state.answers.map((a) => [a.position, a.text]));
  const [board, setBoard] = useState<Board>({ tiers: state.tiers, unranked: [] });
  const [meta, setMeta] = useState<Record<number, AnswerMeta>>(() =>
    Object.fromEntries(state.answers.map((a) => [a.position, cleanMeta(state.meta[a.position])])),
  );
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const idPrefix = useId();
  const complete = isComplete(board);
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await fetchJson(resultUrl("ranking", id), {
        method: "PUT",
        json: {
          tiers: rankedTiers(board),
          answers: state.answers.map(({ position }) => {
            const { likert, flags } = meta[position] ?? { flags: [] };
            return { position, ...(likert ? { likert } : {}), flags };
          }),
        },
      });
      onDone();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mt-2 space-y-3" data-testid="ranking-editor">
      <TierBoard
        board={board}
        onBoard={(next) => (setError(undefined), setBoard(next))}
        texts={texts}
        metaOf={(pos) => meta[pos] ?? { flags: [] }}
        onMeta={(pos, m) => setMeta((all) => ({ ...all, [pos]: m }))}
        idPrefix={idPrefix}
        advance={false}
      />
      <div className="sticky bottom-0 z-20 flex items-center justify-between gap-3 border-t border-zinc-200 bg-white/95 py-2 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/95">
        <RankingNotation board={board} />
        <div className="flex shrink-0 gap-2">
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button onClick={() => void save()} disabled={busy || !complete} className="disabled:opacity-50">
            {busy ? "Saving…" : "Save ranking"}
          </Button>
        </div>
      </div>
      {!complete && <p className="text-xs text-zinc-500">Rank every answer to save.</p>}
      <ErrorText>{error}</ErrorText>
    </div>
  );
}
