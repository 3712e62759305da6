// How the runs pages write durations, progress, metric values and statuses.

/** @public */
export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type RunStatusName = (typeof RUN_STATUSES)[number];

/** A run that may still change: the list and the run page keep polling while one is shown. */
export const isActive = (status: string) => status === "queued" || status === "running";

export const STATUS_LABEL: Record<RunStatusName, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  canceled: "Canceled",
};

export const STATUS_CLASS: Record<RunStatusName, string> = {
  queued: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  running: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  succeeded: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  canceled: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
};

/** 0 s, 42 s, 3 min 05 s, 2 h 07 min, 3 d 4 h; "—" when unknown. */
export function formatDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec) || sec < 0) return "—";
  const s = Math.round(sec);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "about 3 min 05 s left" while running, nothing to say otherwise. */
export function formatEta(status: string, etaSec: number | null | undefined): string | undefined {
  if (status !== "running") return undefined;
  if (etaSec === null || etaSec === undefined || !Number.isFinite(etaSec) || etaSec < 0) return "estimating time left…";
  if (etaSec < 1) return "finishing…";
  return `about ${formatDuration(etaSec)} left`;
}

/** Progress as a whole percent in [0, 100] (a fraction outside [0, 1] is clamped). */
export function percent(fraction: number | null | undefined): number {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return 0;
  return Math.round(Math.min(1, Math.max(0, fraction)) * 100);
}

/** A metric value with 4 significant digits; small and large magnitudes in exponent form. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e15) return a >= 1e4 ? v.toLocaleString("en-US") : String(v); // steps, counts, limits: 1,000,000
  if (a < 1e-3 || a >= 1e6) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/**
 * A hyperparameter as a person would type it: plain digits ("1000000", "0.25", "0.001"), and the
 * short exponent form only for magnitudes under 1e-3 ("1e-4", "6.5e-5"), never "1.000e+6".
 */
export function plainNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  if (Math.abs(v) < 1e-3) {
    const [m, e] = v.toExponential().split("e");
    return `${Number(Number(m).toPrecision(12))}e${Number(e)}`;
  }
  const s = String(Number(v.toPrecision(12)));
  if (!/e/.test(s)) return s;
  return BigInt(Math.round(v)).toString(); // 1e21 and up: digits, as typed
}

/** Axis ticks: short, "3e-4" rather than "3.000e-4", "0.25", "1200". */
export function formatTick(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) {
    const [m, e] = v.toExponential(2).split("e");
    return `${Number(m)}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(4)));
}

/** "2026-11-29 08:30" in UTC (server and browser render the same text). */
export function formatWhen(iso: string | Date | null | undefined): string {
  if (!iso) return "—";
  const d = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return "—";
  return d.toISOString().slice(0, 16).replace("T", " ");
}

/**
 * How long a run took (or has taken so far, against `now`). `now` has no default: a page that
 * rendered Date.now() on the server and again in the browser would not hydrate (React #418).
 */
export function runDuration(startedAt: string | null | undefined, finishedAt: string | null | undefined, now: number): string {
  if (!startedAt) return "—";
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return formatDuration((end - Date.parse(startedAt)) / 1000);
}
