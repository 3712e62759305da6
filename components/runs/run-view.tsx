"use client";

// One run, live: status, progress and ETA, cancel and resume, the failure message, live metric
// charts, sample generations, the log tail, the config, where it runs, and a picker to compare it with another run.
import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { RUN_KINDS, type RunKind } from "@/lib/runs/kinds";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ErrorText } from "../ui/field";
import { cancelRun, resumeRun } from "./api";
import { chartsFor } from "./chart-groups";
import { configRows } from "./config-rows";
import { dataFitRows, lostResponses, type DataFitRow } from "./data-fit";
import { formatValue, formatWhen, isActive, runDuration, STATUS_LABEL, type RunStatusName } from "./format";
import { ChartGrid } from "./metric-chart";
import type { MetricPoint } from "./metric-series";
import { ProgressBar, StatusBadge } from "./run-status";
import type { RunDetailJson } from "./types";
import { runWarnings } from "./run-warnings";
import { SamplesPanel } from "./samples-panel";
import { useRunLive } from "./use-run-live";
import { plural } from "../ui/plural";

type Props = {
  initial: RunDetailJson;
  initialPoints: MetricPoint[];
  canControl: boolean;
  others: { id: string; name: string; kind: string }[];
  /** What the run started from, in words (a generate run: the models it sampled from); see lib/runs/origin.ts. */
  origin: string;
  /** The server's clock when it rendered the page (ms): time-dependent text hydrates from it, then ticks. */
  now: number;
};

export function RunView({ initial, initialPoints, canControl, others, origin, now: serverNow }: Props) {
  const { run, series, stale, refresh } = useRunLive(initial, initialPoints);
  const config = useMemo(() => (run as { config?: Record<string, unknown> }).config ?? {}, [run]);
  const waiting = isActive(run.status);
  const charts = useMemo(() => chartsFor(run.kind, series, config, { waiting }), [run.kind, series, config, waiting]);
  const warnings = useMemo(() => runWarnings(run.kind, series), [run.kind, series]);
  const dataFit = useMemo(() => dataFitRows(series), [series]);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const [announce, setAnnounce] = useState("");
  const lastStatus = useRef(run.status);
  const now = useTickingNow(serverNow, Boolean(run.startedAt && !run.finishedAt));

  useEffect(() => {
    if (lastStatus.current !== run.status) {
      lastStatus.current = run.status;
      setAnnounce(`The run is now ${STATUS_LABEL[run.status as RunStatusName]?.toLowerCase() ?? run.status}.`);
    }
  }, [run.status]);

  async function act(fn: (id: string) => Promise<unknown>) {
    setBusy(true);
    setActionError(undefined);
    try {
      await fn(run.id);
      await refresh();
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const active = isActive(run.status);
  const canResume = run.status === "failed" || run.status === "canceled";
  const kindLabel = RUN_KINDS[run.kind as RunKind]?.label ?? run.kind;

  return (
    <div className="space-y-6" data-run-id={run.id} data-run-status={run.status}>
      <p className="sr-only" role="status" aria-live="polite">
        {announce}
      </p>
      <Card className="space-y-4">
        <div className="flex flex-wrap items-center gap-3">
          <StatusBadge status={run.status} />
          {warnings.map((w) => (
            <span
              key={w.id}
              data-warning={w.id}
              title={w.detail}
              className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200"
            >
              ⚠ {w.title}
            </span>
          ))}
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            {kindLabel}
            {run.projectName ? ` · ${run.projectName}` : ""}
            {run.attempt > 1 ? ` · attempt ${run.attempt}` : ""}
          </span>
          {stale && <span className="text-xs text-amber-700 dark:text-amber-400">Reconnecting…</span>}
          <div className="ml-auto flex gap-2">
            {canControl && active && (
              <Button variant="danger" disabled={busy || run.cancelRequested} onClick={() => void act(cancelRun)}>
                {run.cancelRequested ? "Canceling…" : "Cancel run"}
              </Button>
            )}
            {canControl && canResume && (
              <Button variant="secondary" disabled={busy} onClick={() => void act(resumeRun)}>
                Resume from last checkpoint
              </Button>
            )}
          </div>
        </div>
        <ProgressBar progress={run.progress} status={run.status} etaSec={run.etaSec} label="Run progress" />
        <ErrorText>{actionError}</ErrorText>
        {run.status === "failed" && run.error && (
          <div
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
          >
            <strong className="font-semibold">The run failed: </strong>
            <span data-testid="run-error">{run.error}</span>
          </div>
        )}
        {warnings.length > 0 && (
          <ul className="space-y-1 text-sm text-amber-800 dark:text-amber-300">
            {warnings.map((w) => (
              <li key={w.id}>
                <strong className="font-semibold">{w.title}:</strong> {w.detail}
              </li>
            ))}
          </ul>
        )}
        <Details run={run} now={now} origin={origin} />
      </Card>

      <section aria-labelledby="run-charts" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="run-charts" className="text-lg font-semibold">
            Metrics
          </h2>
          <div className="flex flex-wrap items-end gap-3">
            {charts.length > 0 && (
              <p className="text-sm">
                Download:{" "}
                <a className="text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300" href={`/api/runs/${run.id}/metrics/csv`} download>
                  CSV
                </a>
                {" · "}
                <a
                  className="text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
                  href={`/api/runs/${run.id}/metrics/tensorboard`}
                  title="A TensorBoard event file: put it in a folder and run tensorboard --logdir on it"
                  download
                >
                  TensorBoard
                </a>
              </p>
            )}
            {others.length > 0 && <ComparePicker runId={run.id} kind={run.kind} others={others} />}
          </div>
        </div>
        <DataFit rows={dataFit} />
        {charts.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">This kind of run records no training curves; its progress and log are above and below.</p>
        ) : (
          <ChartGrid charts={charts} xLabel={run.kind === "ppo" ? "iteration" : "step"} />
        )}
      </section>

      <SamplesPanel runId={run.id} kind={run.kind} active={waiting} />

      <div className="grid gap-4 lg:grid-cols-2">
        <section aria-labelledby="run-log">
          <h2 id="run-log" className="mb-2 text-lg font-semibold">
            Log
          </h2>
          <LogTail text={run.logTail} />
        </section>
        <section aria-labelledby="run-config">
          <h2 id="run-config" className="mb-2 text-lg font-semibold">
            Config
          </h2>
          <ConfigTable kind={run.kind} config={config} />
        </section>
      </div>
    </div>
  );
}

/**
 * The clock for "so far" durations: the server's render time first, so the page hydrates with the
 * text the server wrote (React error #418 otherwise), then the browser's clock once a second.
 */
function useTickingNow(serverNow: number, ticking: boolean): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

function Details({ run, now, origin }: { run: RunDetailJson; now: number; origin: string }) {
  const rows: [string, React.ReactNode][] = [
    ["Started by", run.createdBy?.name || run.createdBy?.email || "—"],
    ["Queued", formatWhen(run.createdAt)],
    ["Started", formatWhen(run.startedAt)],
    ["Finished", formatWhen(run.finishedAt)],
    ["Duration", runDuration(run.startedAt, run.finishedAt, now)],
    [run.kind === "generate" ? "Sampled from" : "Started from", origin],
    [
      "Dataset",
      run.export ? (
        <Link className="text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300" href="/admin/exports">
          {run.export.kind} export · {plural(run.export.rowCount, "row")}
        </Link>
      ) : (
        "—"
      ),
    ],
    [
      "Result",
      run.artifacts.length ? (
        <Link className="text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300" href="/models">
          {run.artifacts.map((a) => `${a.name} (${a.kind})`).join(", ")}
        </Link>
      ) : (
        "—"
      ),
    ],
    ["Worker", run.worker ? `${run.worker.host ?? "?"} · pid ${run.worker.pid ?? "?"}` : "—"],
    ["Threads", run.threads ?? "—"],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
      {rows.map(([k, v]) => (
        <div key={k} className="flex gap-2">
          <dt className="text-zinc-500 dark:text-zinc-400">{k}</dt>
          <dd className="min-w-0 break-words" data-detail={k}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** What the truncation policy did to the data, when the trainer reported it (the log has the same as one line). */
function DataFit({ rows }: { rows: DataFitRow[] }) {
  if (!rows.length) return null;
  const lost = lostResponses(rows);
  return (
    <Card className="space-y-2" role="region" aria-labelledby="run-data-fit">
      <h3 id="run-data-fit" className="text-sm font-semibold">
        Data fitted to the sequence length
      </h3>
      <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-3">
        {rows.map((r) => (
          <div key={r.name} className="flex gap-2">
            <dt className="text-zinc-500 dark:text-zinc-400">{r.label}</dt>
            <dd className="tabular-nums" data-metric={r.name}>
              {formatValue(r.value)}
            </dd>
          </div>
        ))}
      </dl>
      {lost && (
        <p className="text-sm text-amber-800 dark:text-amber-300">Some responses did not fit and lost tokens: a longer sequence length keeps them whole.</p>
      )}
    </Card>
  );
}

function LogTail({ text }: { text: string }) {
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <pre
      ref={box}
      tabIndex={0}
      aria-label="Log tail"
      className="h-72 overflow-auto rounded-lg border border-zinc-200 bg-zinc-950 p-3 font-mono text-xs leading-relaxed break-words whitespace-pre-wrap text-zinc-100 dark:border-zinc-800"
    >
      {text || "No log lines yet."}
    </pre>
  );
}

function ConfigTable({ kind, config }: { kind: string; config: Record<string, unknown> }) {
  const rows = configRows(kind, config);
  if (rows.length === 0) return <p className="text-sm text-zinc-500">No config.</p>;
  return (
    <Card className="max-h-72 overflow-auto p-0">
      <table className="w-full text-sm">
        <caption className="sr-only">Hyperparameters and settings of this run</caption>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} className="border-t border-zinc-200 first:border-0 dark:border-zinc-800">
              <th scope="row" title={r.doc} className="px-3 py-1 text-left text-xs font-normal text-zinc-600 dark:text-zinc-400">
                {r.label}
                {r.unit && <span className="text-zinc-400 dark:text-zinc-500"> ({r.unit})</span>}
              </th>
              <td className="px-3 py-1 font-mono text-xs tabular-nums">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

/** A plain GET form: works without JavaScript and with the keyboard alone. */
function ComparePicker({ runId, kind, others }: { runId: string; kind: string; others: Props["others"] }) {
  return (
    <form action="/runs/compare" method="get" className="flex items-end gap-2">
      <input type="hidden" name="a" value={runId} />
      <label htmlFor="compare-with" className="space-y-1 text-sm">
        <span className="block font-medium">Compare with</span>
        <select id="compare-with" name="b" className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900">
          {groupByKind(kind, others).map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.runs.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({RUN_KINDS[o.kind as RunKind]?.label ?? o.kind})
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <Button type="submit" variant="secondary">
        Compare
      </Button>
    </form>
  );
}

/** Runs of the same kind first (they share charts), then the rest, each in the order given. */
export function groupByKind<R extends { kind: string }>(kind: string, runs: R[]): { label: string; runs: R[] }[] {
  const same = runs.filter((r) => r.kind === kind);
  const rest = runs.filter((r) => r.kind !== kind);
  const label = RUN_KINDS[kind as RunKind]?.label ?? kind;
  return [...(same.length ? [{ label: `${label} runs`, runs: same }] : []), ...(rest.length ? [{ label: "Other kinds", runs: rest }] : [])];
}
