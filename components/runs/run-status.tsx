// A run's status as a coloured badge and its progress as a bar (with the ETA while it runs).
import { formatEta, percent, STATUS_CLASS, STATUS_LABEL, type RunStatusName } from "./format";

export function StatusBadge({ status }: { status: string }) {
  const s = status as RunStatusName;
  return (
    <span data-status={status} className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_CLASS[s] ?? STATUS_CLASS.queued}`}>
      {STATUS_LABEL[s] ?? status}
    </span>
  );
}

export function ProgressBar({
  progress,
  status,
  etaSec,
  label,
  compact = false,
}: {
  progress: number;
  status: string;
  etaSec?: number | null;
  label: string;
  compact?: boolean;
}) {
  const p = status === "succeeded" ? 100 : percent(progress);
  const eta = formatEta(status, etaSec);
  const text = `${p}%${eta ? ` · ${eta}` : ""}`;
  return (
    <div className={compact ? "min-w-28" : "space-y-1"}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={p}
        aria-valuetext={text}
        className={`overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800 ${compact ? "h-1.5" : "h-2.5"}`}
      >
        <div
          className={`h-full rounded-full transition-[width] duration-500 ${status === "failed" ? "bg-red-500" : status === "canceled" ? "bg-amber-500" : "bg-indigo-500"}`}
          style={{ width: `${p}%` }}
        />
      </div>
      <div className="text-xs tabular-nums text-zinc-600 dark:text-zinc-400" data-testid="progress-text">
        {text}
      </div>
    </div>
  );
}
