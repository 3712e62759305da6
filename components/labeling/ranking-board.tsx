"use client";
// The ranking task: order the K answers into tiers (best first, ties allowed), rate and flag each,
// then submit. Mouse (drag), touch (the "Place" menu) and keyboard (number keys) all edit one board.
import { useId, useRef } from "react";
import { LETTERS } from "@/lib/ranking/letters";
import { Button } from "../ui/button";
import { ErrorText } from "../ui/field";
import { cleanMeta, RationaleField } from "./answer-meta";
import { isSubmitKey } from "./board-keys";
import { isBoardFor, isComplete, likertConflicts, rankedTiers, startBoard, type Board } from "./board-state";
import { KeyboardHelp } from "./keyboard-help";
import { draftKey } from "./local-store";
import { RankingNotation } from "./ranking-notation";
import { SkipControls } from "./skip-controls";
import { TierBoard } from "./tier-board";
import { usePinnedEdge } from "./use-pinned-edge";
import type { TaskViewProps } from "./types";
import { useStoredState } from "./use-stored-state";
import { useSubmitRanking, type RankingDraft } from "./use-submit-ranking";

type Draft = RankingDraft & { board: Board };

const isDraftFor =
  (k: number) =>
  (v: unknown): v is Draft =>
    typeof v === "object" && v !== null && isBoardFor((v as Draft).board, k) && typeof (v as Draft).meta === "object";

const letters = (positions: number[]) => positions.map((p) => LETTERS[p]).join(", ");

export function RankingBoard(props: TaskViewProps) {
  const { task, canSubmit, onDone, onLeaseLost } = props;
  const k = task.answers.length;
  const texts = new Map(task.answers.map((a) => [a.position, a.text]));
  const key = draftKey("ranking", task.assignmentId);
  const [draft, setDraft, restored] = useStoredState<Draft>(key, () => ({ board: startBoard(k), meta: {} }), isDraftFor(k));
  const { board } = draft;
  const schema = task.project.labelSchema;
  const metaOf = (pos: number) => cleanMeta(draft.meta[pos], schema);
  const submission = useSubmitRanking(props, key);
  const { busy, error, setError } = submission;
  const idPrefix = useId();
  const submitBar = useRef<HTMLDivElement>(null);
  usePinnedEdge(submitBar, "bottom");
  // Off by default: after a tier key the focus stays on the answer just placed, so ↓ always means the next card.
  const [advance, setAdvance] = useStoredState<boolean>(
    "setting:advance-after-place",
    () => false,
    (v): v is boolean => typeof v === "boolean",
  );

  const complete = isComplete(board);
  const blocked = !canSubmit
    ? "This task is no longer yours to submit."
    : complete
      ? null
      : `Rank every answer to submit (${board.unranked.length === k ? "none ranked yet" : `unranked: ${letters(board.unranked)}`}).`;

  const submit = () =>
    submission.submit(blocked, {
      tiers: rankedTiers(board),
      draft,
    });

  const conflicts = likertConflicts(board, Object.fromEntries(task.answers.map((a) => [a.position, metaOf(a.position).likert])));

  return (
    <div
      className="space-y-3"
      onKeyDown={(e) => {
        if (!isSubmitKey(e)) return;
        e.preventDefault();
        void submit();
      }}
    >
      {restored && (
        <p role="status" className="text-sm text-indigo-700 dark:text-indigo-300">
          Your unsaved ranking for this task was restored.
        </p>
      )}
      <KeyboardHelp advance={advance} onAdvance={setAdvance} />
      <TierBoard
        board={board}
        onBoard={(next) => {
          setError(undefined);
          setDraft((d) => ({ ...d, board: next }));
        }}
        texts={texts}
        metaOf={metaOf}
        schema={schema}
        onMeta={(pos, m) => setDraft((d) => ({ ...d, meta: { ...d.meta, [pos]: m } }))}
        idPrefix={idPrefix}
        advance={advance}
        focusFirst
      />

      <RationaleField
        schema={schema}
        id={`${idPrefix}-rationale`}
        value={draft.rationale ?? ""}
        onChange={(rationale) => setDraft((d) => ({ ...d, rationale }))}
      />
      <div
        ref={submitBar}
        className="sticky bottom-0 z-20 space-y-1 border-t border-zinc-200 bg-zinc-50/95 py-2 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/95"
      >
        <div className="flex items-center justify-between gap-3">
          <RankingNotation board={board} />
          <Button
            type="button"
            className="shrink-0 disabled:opacity-50"
            disabled={busy || blocked !== null}
            aria-describedby={blocked ? `${idPrefix}-blocked` : undefined}
            onClick={() => void submit()}
          >
            {busy ? "Submitting…" : "Submit ranking"}
          </Button>
        </div>
        {blocked && (
          <p id={`${idPrefix}-blocked`} className="text-xs text-zinc-500 dark:text-zinc-400">
            {blocked} <span className="hidden sm:inline">Ctrl+Enter submits.</span>
          </p>
        )}
        {conflicts.length > 0 && (
          <p className="text-xs text-amber-700 dark:text-amber-400">
            Check:{" "}
            {conflicts
              .slice(0, 2)
              .map(([a, b]) => `${LETTERS[a]} is ranked above ${LETTERS[b]} but rated lower`)
              .join("; ")}
            {conflicts.length > 2 && ` (and ${conflicts.length - 2} more)`}.
          </p>
        )}
        <ErrorText>{error === blocked ? undefined : error}</ErrorText>
      </div>
      <SkipControls taskId={task.taskId} reportLabel="Cannot rank" disabled={busy || !canSubmit} onDone={onDone} onLeaseLost={onLeaseLost} />
    </div>
  );
}
