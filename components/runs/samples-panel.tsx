"use client";

// Sample generations on the run page: at each evaluation (PPO: each checkpoint) the worker has the
// model answer the run's fixed held-out prompts; choose a step and read prompt → answer. While the
// run is active the panel re-reads the steps every few seconds (and follows the latest unless a step
// was chosen).
import { useEffect, useState } from "react";
import type { RunSamples } from "@/lib/runs/queries";
import { Card } from "../ui/card";
import { getSamples } from "./api";

/** The run kinds whose trainers answer held-out prompts. */
const SAMPLE_KINDS: readonly string[] = ["sft", "dpo", "ppo"];
const REFRESH_MS = 5000;

export function SamplesPanel({ runId, kind, active }: { runId: string; kind: string; active: boolean }) {
  const [data, setData] = useState<RunSamples | null>(null);
  const [chosen, setChosen] = useState<number | null>(null); // null: the latest step
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active]);

  useEffect(() => {
    let stop = false;
    getSamples(runId, chosen ?? undefined).then(
      (d) => {
        if (stop) return;
        setData(d);
        setError(undefined);
      },
      (e: Error) => !stop && setError(e.message),
    );
    return () => {
      stop = true;
    };
  }, [runId, chosen, tick, active]);

  if (!SAMPLE_KINDS.includes(kind)) return null;
  const unit = kind === "ppo" ? "iteration" : "step";
  return (
    <section aria-labelledby="run-samples" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="run-samples" className="text-lg font-semibold">
          Samples
        </h2>
        {data && data.steps.length > 0 && (
          <label className="flex items-center gap-2 text-sm">
            <span className="capitalize">{unit}</span>
            <select
              aria-label={`Samples at ${unit}`}
              value={data.step ?? ""}
              onChange={(e) => setChosen(e.target.value === String(data.steps.at(-1)) ? null : Number(e.target.value))}
              className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm tabular-nums dark:border-zinc-700 dark:bg-zinc-900"
            >
              {data.steps.map((s) => (
                <option key={s} value={s}>
                  {s}
                  {s === data.steps.at(-1) ? " (latest)" : ""}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {error && <p className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      {!data || data.samples.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          No samples yet: at each {kind === "ppo" ? "checkpoint" : "evaluation"} the model answers a few fixed held-out prompts (greedy decoding), and they
          appear here.
        </p>
      ) : (
        <ol className="grid gap-3 lg:grid-cols-2" aria-label={`Answers at ${unit} ${data.step}`}>
          {data.samples.map((s) => (
            <li key={s.index} data-sample-index={s.index}>
              <Card className="space-y-2 p-3 text-sm">
                <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Prompt</p>
                <p data-sample-prompt className="break-words whitespace-pre-wrap">
                  {s.prompt}
                </p>
                <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">
                  → Answer ({s.tokens} tokens{s.finished ? "" : ", cut at the token limit"})
                </p>
                <pre data-sample-output className="rounded bg-zinc-100 p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-zinc-950">
                  {s.output || "(empty)"}
                </pre>
              </Card>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
