"use client";
// InstructGPT's per-answer metadata: overall quality on a 1-7 Likert scale and the flags list.
import { FLAGS, LIKERT_LABELS, LIKERT_MAX, LIKERT_MIN, type FlagId } from "@/lib/ranking/flags";

export type AnswerMeta = { likert?: number; flags: FlagId[] };

const SCORES = Array.from({ length: LIKERT_MAX - LIKERT_MIN + 1 }, (_, i) => (LIKERT_MIN + i) as keyof typeof LIKERT_LABELS);

/** Keeps only what the submission schema accepts (a restored draft may be stale or edited). */
export function cleanMeta(value: unknown): AnswerMeta {
  const v = (typeof value === "object" && value !== null ? value : {}) as { likert?: unknown; flags?: unknown };
  const likert = typeof v.likert === "number" && Number.isInteger(v.likert) && v.likert >= LIKERT_MIN && v.likert <= LIKERT_MAX ? v.likert : undefined;
  const known = new Set<string>(FLAGS.map((f) => f.id));
  const flags = Array.isArray(v.flags) ? [...new Set(v.flags.filter((f): f is FlagId => typeof f === "string" && known.has(f)))] : [];
  return { likert, flags };
}

export function AnswerMetaFields({
  idPrefix,
  letter,
  meta,
  onChange,
}: {
  idPrefix: string;
  letter: string;
  meta: AnswerMeta;
  onChange: (meta: AnswerMeta) => void;
}) {
  const toggle = (id: FlagId, on: boolean) =>
    onChange({ ...meta, flags: on ? [...meta.flags, id] : meta.flags.filter((f) => f !== id) });
  return (
    <div className="flex flex-wrap items-start gap-x-4 gap-y-2 text-sm">
      <label className="flex items-center gap-2">
        <span className="text-zinc-600 dark:text-zinc-400">Quality</span>
        <select
          aria-label={`Overall quality of answer ${letter}`}
          value={meta.likert ?? ""}
          onChange={(e) => onChange({ ...meta, likert: e.target.value === "" ? undefined : Number(e.target.value) })}
          className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        >
          <option value="">Not rated</option>
          {SCORES.map((s) => (
            <option key={s} value={s}>
              {s} · {LIKERT_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <details className="min-w-0 flex-1">
        <summary className="cursor-pointer text-zinc-600 select-none dark:text-zinc-400">
          Flags{meta.flags.length > 0 && <span className="ml-1 rounded bg-amber-100 px-1.5 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200">{meta.flags.length}</span>}
        </summary>
        <fieldset className="mt-1 grid gap-1 sm:grid-cols-2">
          <legend className="sr-only">Flags for answer {letter}</legend>
          {FLAGS.map((f) => (
            <label key={f.id} htmlFor={`${idPrefix}-${f.id}`} className="flex items-start gap-2">
              <input
                id={`${idPrefix}-${f.id}`}
                type="checkbox"
                className="mt-0.5"
                checked={meta.flags.includes(f.id)}
                onChange={(e) => toggle(f.id, e.target.checked)}
              />
              <span>{f.label}</span>
            </label>
          ))}
        </fieldset>
      </details>
    </div>
  );
}
