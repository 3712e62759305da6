"use client";
// The demonstration task: write the answer an ideal assistant would give, in markdown.
// The draft is saved on every keystroke (per assignment) and restored after a reload.
import { useId, useRef, useState } from "react";
import { Button } from "../ui/button";
import { ErrorText } from "../ui/field";
import { isSubmitKey } from "./board-keys";
import { draftKey } from "./local-store";
import { Markdown } from "./markdown";
import { SkipControls } from "./skip-controls";
import type { TaskViewProps } from "./types";
import { useStoredState } from "./use-stored-state";
import { useVisibleTime } from "./use-visible-time";

const isString = (v: unknown): v is string => typeof v === "string";
/** Characters as the server counts them: code points of the trimmed text. */
const charCount = (text: string) => [...text.trim()].length;

type Tab = "write" | "preview";

export function DemonstrationEditor({ task, clientId, canSubmit, onSubmit, onDone, onLeaseLost }: TaskViewProps) {
  const { minDemonstrationChars: min, maxDemonstrationChars: max } = task.project;
  const key = draftKey("demonstration", task.assignmentId);
  const [text, setText, restored] = useStoredState<string>(key, () => "", isString);
  const [tab, setTab] = useState<Tab>("write");
  const [error, setError] = useState<string>();
  const sent = useRef(false);
  const elapsed = useVisibleTime();
  const id = useId();

  const n = charCount(text);
  const blocked = !canSubmit
    ? "This task is no longer yours to submit."
    : n === 0
      ? "Write a demonstration first."
      : n < min
        ? `Write at least ${min} characters (${min - n} more).`
        : n > max
          ? `The demonstration is ${n - max} characters over this project's limit of ${max}.`
          : null;
  const counterTone =
    n > max ? "text-red-600 dark:text-red-400 font-semibold" : n < min ? "text-amber-700 dark:text-amber-400" : "text-zinc-500 dark:text-zinc-400";

  // Saved in the background by the runner (outbox.ts): the next task shows at once.
  const submit = () => {
    if (sent.current) return;
    if (blocked) return setError(blocked);
    sent.current = true;
    onSubmit({ kind: "demonstration", body: { clientId, taskId: task.taskId, text: text.trim(), timeSpentMs: elapsed() }, draftKey: key, draft: text });
  };

  const tabButton = (t: Tab, label: string) => (
    <button
      type="button"
      role="tab"
      id={`${id}-tab-${t}`}
      aria-selected={tab === t}
      aria-controls={`${id}-panel`}
      tabIndex={tab === t ? 0 : -1}
      onClick={() => setTab(t)}
      onKeyDown={(e) => {
        if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
          const other: Tab = t === "write" ? "preview" : "write";
          setTab(other);
          document.getElementById(`${id}-tab-${other}`)?.focus();
        }
      }}
      className={`rounded-t-md px-3 py-1.5 text-sm font-medium ${
        tab === t
          ? "border border-b-0 border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-900"
          : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"
      }`}
    >
      {label}
    </button>
  );

  return (
    <form
      className="space-y-2"
      aria-label="Demonstration"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (!isSubmitKey(e)) return;
        e.preventDefault();
        void submit();
      }}
    >
      {restored && text !== "" && (
        <p role="status" className="text-sm text-indigo-700 dark:text-indigo-300">
          Your unsaved draft for this task was restored.
        </p>
      )}
      <div className="flex items-end justify-between gap-2">
        <div role="tablist" aria-label="Editor mode" className="flex gap-1">
          {tabButton("write", "Write")}
          {tabButton("preview", "Preview")}
        </div>
        <span id={`${id}-count`} className={`text-xs tabular-nums ${counterTone}`}>
          {n.toLocaleString()} / {max.toLocaleString()} characters{min > 0 && ` (at least ${min.toLocaleString()})`}
        </span>
      </div>
      <div id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-tab-${tab}`}>
        {tab === "write" ? (
          <textarea
            autoFocus
            aria-label="Your demonstration (markdown)"
            aria-describedby={`${id}-count`}
            aria-invalid={n > max || undefined}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (error) setError(undefined);
            }}
            rows={16}
            spellCheck
            placeholder="Write the answer an ideal assistant would give. Markdown works: **bold**, lists, ```code```."
            className={`block min-h-64 w-full resize-y rounded-md border bg-white px-3 py-2 font-mono text-sm leading-relaxed dark:bg-zinc-900 ${
              n > max ? "border-red-500" : "border-zinc-300 dark:border-zinc-700"
            }`}
          />
        ) : (
          <div className="min-h-64 rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900">
            {text.trim() ? <Markdown>{text}</Markdown> : <p className="text-zinc-500">Nothing to preview yet.</p>}
          </div>
        )}
      </div>
      <div className="sticky bottom-0 z-20 space-y-1 border-t border-zinc-200 bg-zinc-50/95 py-2 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/95">
        <div className="flex items-center justify-between gap-3">
          <span id={`${id}-blocked`} className={`text-xs ${n > max ? "text-red-600 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}>
            {blocked ?? "Ready. Ctrl+Enter submits."}
          </span>
          <Button type="submit" className="shrink-0 disabled:opacity-50" disabled={blocked !== null} aria-describedby={`${id}-blocked`}>
            Submit demonstration
          </Button>
        </div>
        {/* The reason it cannot be sent is already on screen beside the button: not said twice. */}
        <ErrorText>{error === blocked ? undefined : error}</ErrorText>
      </div>
      <SkipControls taskId={task.taskId} reportLabel="Report prompt" disabled={!canSubmit} onDone={onDone} onLeaseLost={onLeaseLost} />
    </form>
  );
}
