"use client";
// The pairwise (K = 2) task: answers A | B side by side and one choice on Llama 2's scale, by
// keyboard (1–4: A better, significantly … negligibly / unsure; 6–9: B better, mirrored) or by
// clicking the scale. Ctrl+Enter submits. Quality and flags stay available under each answer.
import { useEffect, useId, useRef } from "react";
import { letterOf } from "@/lib/ranking/letters";
import { STRENGTHS, keyFor, strengthForKey, strengthLabel, type StrengthId } from "@/lib/ranking/strength";
import { Button } from "../ui/button";
import { ErrorText } from "../ui/field";
import { AnswerMetaFields, cleanMeta, RationaleField } from "./answer-meta";
import { isSubmitKey } from "./board-keys";
import { draftKey } from "./local-store";
import { Markdown } from "./markdown";
import { SkipControls } from "./skip-controls";
import type { TaskViewProps } from "./types";
import { useStoredState } from "./use-stored-state";
import { useSubmitRanking, type RankingDraft } from "./use-submit-ranking";

type Choice = { better: 0 | 1; strength: StrengthId };
/** The same draft shape as the ranking board's board, plus the choice, so undo restores either. */
type Draft = RankingDraft & { choice: Choice | null };

const isDraft = (v: unknown): v is Draft => typeof v === "object" && v !== null && "choice" in v && typeof (v as Draft).meta === "object";

/** The scale left to right: A significantly … A negligibly | B negligibly … B significantly. */
const SCALE: Choice[] = [
  ...STRENGTHS.map((s) => ({ better: 0 as const, strength: s.id })),
  ...[...STRENGTHS].reverse().map((s) => ({ better: 1 as const, strength: s.id })),
];

const LETTER = ["A", "B"] as const;
const describeChoice = (c: Choice) => `${LETTER[c.better]} is ${strengthLabel(c.strength)}`;

export function PairwiseView(props: TaskViewProps) {
  const { task, canSubmit, onDone, onLeaseLost } = props;
  const key = draftKey("ranking", task.assignmentId);
  const [draft, setDraft, restored] = useStoredState<Draft>(key, () => ({ choice: null, meta: {} }), isDraft);
  const submission = useSubmitRanking(props, key);
  const { busy, error, setError } = submission;
  const idPrefix = useId();
  const root = useRef<HTMLDivElement>(null);
  const schema = task.project.labelSchema;
  const metaOf = (pos: number) => cleanMeta(draft.meta[pos], schema);
  const choice = draft.choice;

  useEffect(() => {
    // Ready for the keyboard at once.
    if (document.activeElement === document.body) root.current?.focus({ preventScroll: true });
  }, []);

  const blocked = !canSubmit ? "This task is no longer yours to submit." : choice ? null : "Choose which answer is better, and by how much.";

  const submit = async () => {
    if (!choice) return setError(blocked ?? undefined);
    await submission.submit(blocked, {
      tiers: choice.better === 0 ? [[0], [1]] : [[1], [0]],
      strength: choice.strength,
      draft,
      label: describeChoice(choice),
    });
  };

  const choose = (c: Choice) => {
    setError(undefined);
    setDraft((d) => ({ ...d, choice: c }));
  };

  return (
    <div
      ref={root}
      tabIndex={-1}
      data-testid="pairwise"
      className="space-y-3 outline-none"
      onKeyDown={(e) => {
        if (isSubmitKey(e)) {
          e.preventDefault();
          void submit();
          return;
        }
        const t = e.target as HTMLElement;
        if (
          e.ctrlKey ||
          e.metaKey ||
          e.altKey ||
          t.tagName === "TEXTAREA" ||
          t.tagName === "SELECT" ||
          (t.tagName === "INPUT" && (t as HTMLInputElement).type === "text")
        )
          return;
        const c = strengthForKey(e.key);
        if (!c) return;
        e.preventDefault();
        choose(c);
      }}
    >
      {restored && (
        <p role="status" className="text-sm text-indigo-700 dark:text-indigo-300">
          Your unsaved choice for this task was restored.
        </p>
      )}
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Keys: <kbd className="rounded border px-1 font-mono">1</kbd>–<kbd className="rounded border px-1 font-mono">4</kbd> A is better (significantly, better,
        slightly, negligibly / unsure); <kbd className="rounded border px-1 font-mono">6</kbd>–<kbd className="rounded border px-1 font-mono">9</kbd> B is
        better (negligibly / unsure … significantly); <kbd className="rounded border px-1 font-mono">Ctrl</kbd>{" "}
        <kbd className="rounded border px-1 font-mono">Enter</kbd> submits; <kbd className="rounded border px-1 font-mono">Ctrl</kbd>{" "}
        <kbd className="rounded border px-1 font-mono">Z</kbd> undoes the last submission while its Undo button shows.
      </p>
      <div className="grid gap-3 md:grid-cols-2">
        {task.answers.map((a) => (
          <article
            key={a.position}
            data-testid={`pair-${LETTER[a.position]}`}
            aria-label={`Answer ${LETTER[a.position]}`}
            className={`min-w-0 space-y-2 rounded-lg border p-3 ${choice?.better === a.position ? "border-indigo-500 ring-2 ring-indigo-300 dark:ring-indigo-700" : "border-zinc-200 dark:border-zinc-800"}`}
          >
            <h2 className="text-sm font-semibold">Answer {LETTER[a.position]}</h2>
            <div className="prose prose-sm max-w-none dark:prose-invert">
              <Markdown>{a.text}</Markdown>
            </div>
            <AnswerMetaFields
              idPrefix={`${idPrefix}-${a.position}`}
              letter={letterOf(a.position)}
              meta={metaOf(a.position)}
              schema={schema}
              onChange={(m) => setDraft((d) => ({ ...d, meta: { ...d.meta, [a.position]: m } }))}
            />
          </article>
        ))}
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Which answer is better, and by how much?</legend>
        <div role="radiogroup" aria-label="Preference" className="grid grid-cols-4 gap-1 sm:grid-cols-8">
          {SCALE.map((c) => {
            const on = choice?.better === c.better && choice.strength === c.strength;
            return (
              <button
                key={`${c.better}-${c.strength}`}
                type="button"
                role="radio"
                aria-checked={on}
                data-testid={`choice-${keyFor(c.better, c.strength)}`}
                onClick={() => choose(c)}
                className={`rounded-md border px-2 py-1 text-xs ${on ? "border-indigo-600 bg-indigo-600 text-white" : "border-zinc-300 bg-white hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900"}`}
              >
                <span className="font-mono">{keyFor(c.better, c.strength)}</span> {LETTER[c.better]} {strengthLabel(c.strength)}
              </button>
            );
          })}
        </div>
      </fieldset>
      <RationaleField
        schema={schema}
        id={`${idPrefix}-rationale`}
        value={draft.rationale ?? ""}
        onChange={(rationale) => setDraft((d) => ({ ...d, rationale }))}
      />
      <div className="sticky bottom-0 z-20 flex items-center justify-between gap-3 border-t border-zinc-200 bg-zinc-50/95 py-2 dark:border-zinc-800 dark:bg-zinc-950/95">
        <p data-testid="pairwise-choice" className="text-sm">
          {choice ? describeChoice(choice) : "No choice yet"}
        </p>
        <Button type="button" disabled={busy || blocked !== null} onClick={() => void submit()}>
          {busy ? "Submitting…" : "Submit"}
        </Button>
      </div>
      <ErrorText>{error}</ErrorText>
      <SkipControls taskId={task.taskId} reportLabel="Cannot compare" disabled={busy || !canSubmit} onDone={onDone} onLeaseLost={onLeaseLost} />
    </div>
  );
}
