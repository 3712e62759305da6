"use client";
// "Skip" (not for me) and "Cannot rank / report" (the task is broken): both ask for a reason first.
import { useId, useRef, useState } from "react";
import { Button } from "../ui/button";
import { ErrorText } from "../ui/field";
import { errorMessage, isLeaseLost, skipTask } from "./api";

type Mode = "skip" | "report";

const PRESETS: Record<Mode, string[]> = {
  skip: ["Outside my expertise", "Too long for now", "I am not comfortable with this topic"],
  report: ["The prompt is unclear or broken", "An answer is empty or garbled", "Contains personal data", "Harmful content"],
};

export function SkipControls({
  taskId,
  reportLabel,
  disabled,
  onDone,
  onLeaseLost,
}: {
  taskId: string;
  /** The report button's name, e.g. "Cannot rank". */
  reportLabel: string;
  disabled?: boolean;
  onDone: (summary: string) => void;
  onLeaseLost: (message: string) => void;
}) {
  const [mode, setMode] = useState<Mode | null>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const id = useId();

  const open = (m: Mode) => {
    setMode((cur) => (cur === m ? null : m));
    setError(undefined);
  };

  const send = async () => {
    if (!mode || inFlight.current) return;
    if (reason.trim() === "") return setError("Say why, in a few words.");
    inFlight.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await skipTask({ taskId, reason: reason.trim(), report: mode === "report" });
      onDone(mode === "report" ? "Reported. Thank you: an admin will look at this task." : "Skipped.");
    } catch (e) {
      if (isLeaseLost(e)) onLeaseLost(e.message);
      setError(errorMessage(e));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="secondary" aria-expanded={mode === "skip"} disabled={disabled} onClick={() => open("skip")}>
          Skip
        </Button>
        <Button type="button" variant="secondary" aria-expanded={mode === "report"} disabled={disabled} onClick={() => open("report")}>
          {reportLabel}
        </Button>
      </div>
      {mode && (
        <div
          className="space-y-2 rounded-md border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-950"
          onKeyDown={(e) => {
            // Keep Ctrl+Enter here from submitting the task around it.
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              e.stopPropagation();
              void send();
            } else if (e.key === "Escape") setMode(null);
          }}
        >
          <label htmlFor={id} className="block text-sm font-medium">
            {mode === "report" ? "What is wrong with this task?" : "Why are you passing on this task?"}
          </label>
          <div className="flex flex-wrap gap-1">
            {PRESETS[mode].map((p) => (
              <button
                key={p}
                type="button"
                className="rounded-full border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                onClick={() => setReason(p)}
              >
                {p}
              </button>
            ))}
          </div>
          <input
            id={id}
            autoFocus
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
                e.preventDefault();
                void send();
              }
            }}
            className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
          <ErrorText>{error}</ErrorText>
          <div className="flex gap-2">
            <Button type="button" variant={mode === "report" ? "danger" : "primary"} disabled={busy} onClick={() => void send()}>
              {busy ? "Sending…" : mode === "report" ? "Send report" : "Confirm"}
            </Button>
            <Button type="button" variant="ghost" onClick={() => setMode(null)}>
              Cancel
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
