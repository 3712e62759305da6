"use client";

// The hyperparameter inputs of a run kind, rendered from its zod schema (form-model.ts): a label,
// the input, its explanation and range, and the field's one-sentence error.
import { formatValue } from "./format";
import type { ConfigField, FieldErrors, FormValues } from "./form-model";

const INPUT =
  "w-full rounded-md border bg-white px-3 py-2 text-sm tabular-nums dark:bg-zinc-900 aria-[invalid=true]:border-red-500 border-zinc-300 dark:border-zinc-700";

export function range(f: ConfigField): string {
  if (f.min === undefined && f.max === undefined) return "";
  if (f.max === undefined) return `at least ${formatValue(f.min)}`;
  if (f.min === undefined) return `at most ${formatValue(f.max)}`;
  return `${formatValue(f.min)} to ${formatValue(f.max)}`;
}

export function ConfigFields({
  fields,
  values,
  errors,
  onChange,
}: {
  fields: ConfigField[];
  values: FormValues;
  errors: FieldErrors;
  onChange: (name: string, value: string | boolean) => void;
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {fields.map((f) => {
        const id = `run-cfg-${f.name}`;
        const help = `${id}-help`;
        const err = errors[f.name] ? `${id}-error` : undefined;
        const describedBy = [help, err].filter(Boolean).join(" ");
        const v = values[f.name];
        return (
          <div key={f.name} className="space-y-1" data-field={f.name}>
            {f.type === "boolean" ? (
              <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium">
                <input
                  id={id}
                  name={f.name}
                  type="checkbox"
                  checked={v === true}
                  aria-describedby={describedBy}
                  onChange={(e) => onChange(f.name, e.currentTarget.checked)}
                />
                {f.label}
              </label>
            ) : (
              <>
                <label htmlFor={id} className="block text-sm font-medium">
                  {f.label}
                  {f.optional && <span className="font-normal text-zinc-500"> (optional)</span>}
                </label>
                {f.type === "enum" ? (
                  <select
                    id={id}
                    name={f.name}
                    className={INPUT}
                    value={typeof v === "string" ? v : ""}
                    aria-invalid={!!err}
                    aria-describedby={describedBy}
                    onChange={(e) => onChange(f.name, e.currentTarget.value)}
                  >
                    {f.optional && <option value="">—</option>}
                    {f.options!.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={id}
                    name={f.name}
                    type="text"
                    inputMode={f.type === "int" ? "numeric" : "decimal"}
                    autoComplete="off"
                    spellCheck={false}
                    className={INPUT}
                    value={typeof v === "string" ? v : ""}
                    aria-invalid={!!err}
                    aria-describedby={describedBy}
                    onChange={(e) => onChange(f.name, e.currentTarget.value)}
                  />
                )}
              </>
            )}
            <p id={help} className="text-xs text-zinc-500 dark:text-zinc-400">
              {f.description}
              {range(f) && <span className="whitespace-nowrap"> Range: {range(f)}{f.type === "int" ? ", whole" : ""}.</span>}
            </p>
            {err && (
              <p id={err} className="text-xs font-medium text-red-700 dark:text-red-400">
                {errors[f.name]}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
