"use client";
// Per-answer labels as the project's label schema defines them (lib/labeling/label-schema.ts): a
// score on each rating axis (the "quality" axis is InstructGPT's 1-7 overall score by default, sent
// as `likert`) and the flags list (InstructGPT's flags by default).
import { DEFAULT_LABEL_SCHEMA, QUALITY_AXIS, type LabelSchema } from "@/lib/labeling/label-schema";
import { LIKERT_LABELS } from "@/lib/ranking/flags";

export type AnswerMeta = { likert?: number; flags: string[]; ratings?: Record<string, number> };

/** Keeps only what the schema accepts (a restored draft may be stale or edited). */
export function cleanMeta(value: unknown, schema: LabelSchema = DEFAULT_LABEL_SCHEMA): AnswerMeta {
  const v = (typeof value === "object" && value !== null ? value : {}) as { likert?: unknown; flags?: unknown; ratings?: unknown };
  const axes = new Map(schema.ratings.map((a) => [a.id, a]));
  const fits = (id: string, x: unknown): x is number => {
    const a = axes.get(id);
    return !!a && typeof x === "number" && Number.isInteger(x) && x >= a.min && x <= a.max;
  };
  const likert = fits(QUALITY_AXIS, v.likert) ? v.likert : undefined;
  const known = new Set(schema.flags.map((f) => f.id));
  const flags = Array.isArray(v.flags) ? [...new Set(v.flags.filter((f): f is string => typeof f === "string" && known.has(f)))] : [];
  const stored = (typeof v.ratings === "object" && v.ratings !== null ? v.ratings : {}) as Record<string, unknown>;
  const ratings = Object.fromEntries(Object.entries(stored).filter(([id, x]) => id !== QUALITY_AXIS && fits(id, x))) as Record<string, number>;
  return { likert, flags, ...(Object.keys(ratings).length ? { ratings } : {}) };
}

/** The submission's fields for one answer: only what was given. */
export const metaInput = (position: number, m: AnswerMeta) => ({
  position,
  ...(m.likert ? { likert: m.likert } : {}),
  ...(m.flags.length ? { flags: m.flags } : {}),
  ...(m.ratings && Object.keys(m.ratings).length ? { ratings: m.ratings } : {}),
});

const SELECT = "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

export function AnswerMetaFields({
  idPrefix,
  letter,
  meta,
  schema = DEFAULT_LABEL_SCHEMA,
  onChange,
}: {
  idPrefix: string;
  letter: string;
  meta: AnswerMeta;
  schema?: LabelSchema;
  onChange: (meta: AnswerMeta) => void;
}) {
  const toggle = (id: string, on: boolean) => onChange({ ...meta, flags: on ? [...meta.flags, id] : meta.flags.filter((f) => f !== id) });
  const scoreOf = (axis: string) => (axis === QUALITY_AXIS ? meta.likert : meta.ratings?.[axis]);
  const setScore = (axis: string, value: number | undefined) => {
    if (axis === QUALITY_AXIS) return onChange({ ...meta, likert: value });
    const ratings = { ...meta.ratings };
    if (value === undefined) delete ratings[axis];
    else ratings[axis] = value;
    onChange({ ...meta, ratings });
  };
  return (
    <div className="flex flex-wrap items-start gap-x-4 gap-y-2 text-sm">
      {schema.ratings.map((axis) => {
        const isDefaultQuality = axis.id === QUALITY_AXIS && axis.min === 1 && axis.max === 7;
        const label = axis.id === QUALITY_AXIS && axis.label === "Overall quality" ? "Quality" : axis.label;
        return (
          <label key={axis.id} className="flex items-center gap-2">
            <span className="text-zinc-600 dark:text-zinc-400">{label}</span>
            <select
              aria-label={`${axis.label} of answer ${letter}`}
              value={scoreOf(axis.id) ?? ""}
              onChange={(e) => setScore(axis.id, e.target.value === "" ? undefined : Number(e.target.value))}
              className={SELECT}
            >
              <option value="">Not rated</option>
              {Array.from({ length: axis.max - axis.min + 1 }, (_, i) => axis.min + i).map((s) => (
                <option key={s} value={s}>
                  {isDefaultQuality ? `${s} · ${LIKERT_LABELS[s as keyof typeof LIKERT_LABELS]}` : s}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      {schema.flags.length > 0 && (
        <details className="min-w-0 flex-1">
          <summary className="cursor-pointer text-zinc-600 select-none dark:text-zinc-400">
            Flags
            {meta.flags.length > 0 && (
              <span className="ml-1 rounded bg-amber-100 px-1.5 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200">{meta.flags.length}</span>
            )}
          </summary>
          <fieldset className="mt-1 grid gap-1 sm:grid-cols-2">
            <legend className="sr-only">Flags for answer {letter}</legend>
            {schema.flags.map((f) => (
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
      )}
    </div>
  );
}

/** The ranking's free-text rationale, when the project's schema takes one. */
export function RationaleField({ schema, value, onChange, id }: { schema: LabelSchema; value: string; onChange: (v: string) => void; id: string }) {
  if (schema.rationale === "off") return null;
  return (
    <label htmlFor={id} className="block space-y-1 text-sm">
      <span className="font-medium">Rationale {schema.rationale === "required" ? "(required)" : "(optional)"}: why did you rank them so?</span>
      <textarea
        id={id}
        rows={2}
        maxLength={5000}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
      />
    </label>
  );
}
