"use client";
// The status line above the task: "Saving…" while a label is on its way, "Saved: …" once the
// server has it (with Undo while the window lasts), and "Couldn't save — retrying" with the time of
// the next try when it failed (the label is kept on this device and sent again, also at once with
// "Retry now"). Read out politely by screen readers.
import { useEffect, useState } from "react";
import type { OutboxState } from "./outbox";

export type SaveStatusProps = {
  outbox: OutboxState;
  /** The last acknowledged submission's summary (or another short note), or null. */
  saved: string | null;
  /** Seconds of the undo window, when the last submission may still be taken back. */
  undoSeconds: number | null;
  onUndo: () => void;
  onRetry: () => void;
};

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

const labels = (n: number) => (n === 1 ? "your label" : `${n} labels`);

export function SaveStatus({ outbox, saved, undoSeconds, onUndo, onRetry }: SaveStatusProps) {
  const now = useNow(outbox.retryAt !== null);
  const state = outbox.waiting > 0 ? "retrying" : outbox.sending > 0 ? "saving" : saved ? "saved" : "idle";
  const tone = {
    retrying: "rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200",
    saving: "rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-900 dark:text-zinc-300",
    saved: "rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-300",
    idle: "sr-only",
  }[state];
  const seconds = outbox.retryAt === null ? 0 : Math.max(0, Math.ceil((outbox.retryAt - now) / 1000));
  return (
    <p role="status" aria-live="polite" data-testid="save-status" data-state={state} className={tone}>
      {state === "retrying" && (
        <>
          <strong>Couldn&apos;t save {labels(outbox.waiting)} — retrying</strong>
          {seconds > 0 ? ` in ${seconds} s` : "…"}. {outbox.lastError} It is kept on this device until the server has it.{" "}
          <button type="button" onClick={onRetry} className="ml-1 rounded border border-amber-700 px-2 py-0.5 font-medium dark:border-amber-400">
            Retry now
          </button>
        </>
      )}
      {state === "saving" && (outbox.sending === 1 ? "Saving…" : `Saving ${outbox.sending} labels…`)}
      {state === "saved" && saved}
      {state !== "idle" && undoSeconds !== null && (
        <>
          {" "}
          <button type="button" onClick={onUndo} className="ml-2 rounded border border-current px-2 py-0.5 font-medium underline-offset-2 hover:underline">
            Undo
          </button>{" "}
          <span className="text-xs">(Ctrl+Z, for {undoSeconds} s)</span>
        </>
      )}
    </p>
  );
}
