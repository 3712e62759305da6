"use client";

// The hyperparameter inputs of a run kind, rendered from its field table (form-model.ts): a label,
// the input, its explanation, unit and range, and the field's one-sentence error. Advanced fields
// are folded under "Advanced" (opened when one of them has an error).
import { useState } from "react";
import { plainNumber } from "./format";
import type { ConfigField, FieldErrors, FormValues } from "./form-model";

const INPUT =
  "w-full rounded-md border bg-white px-3 py-2 text-sm tabular-nums dark:bg-zinc-900 aria-[invalid=true]:border-red-500 border-zinc-300 dark:border-zinc-700";

/** "1 to 512", "more than 0 and at most 1", "at least 0", "0 to less than 1". */
function range(f: ConfigField): string {
  const lo = f.min === undefined ? "" : `${f.minInclusive === false ? "more than" : "at least"} ${plainNumber(f.min)}`;
  const hi = f.max === undefined ? "" : `${f.maxInclusive === false ? "less than" : "at most"} ${plainNumber(f.max)}`;
  if (lo && hi && f.minInclusive !== false && f.maxInclusive !== false) return `${plainNumber(f.min!)} to ${plainNumber(f.max!)}`;
  return [lo, hi].filter(Boolean).join(" and ");
}

type FieldsProps = {
  fields: ConfigField[];
  values: FormValues;
  errors: FieldErrors;
  onChange: (name: string, value: string | boolean) => void;
};

export function ConfigFields({ fields, values, errors, onChange }: FieldsProps) {
  const [open, setOpen] = useState(false);
  const basic = fields.filter((f) => f.show === "basic");
  const advanced = fields.filter((f) => f.show === "advanced");
  const advancedError = advanced.some((f) => errors[f.name]);
  const grid = (list: ConfigField[]) => <FieldGrid fields={list} values={values} errors={errors} onChange={onChange} />;
  return (
    <div className="space-y-3">
      {grid(basic)}
      {advanced.length > 0 && (
        <details open={open || advancedError} onToggle={(e) => setOpen(e.currentTarget.open)} className="space-y-3">
          <summary className="cursor-pointer text-sm font-medium">Advanced ({advanced.length})</summary>
          <div className="pt-3">{grid(advanced)}</div>
        </details>
      )}
    </div>
  );
}

function FieldGrid({ fields, values, errors, onChange }: FieldsProps) {
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
                  {f.unit && !f.label.toLowerCase().includes(f.unit.replace(/s$/, "")) && <span className="font-normal text-zinc-500"> ({f.unit})</span>}
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
              {range(f) && (
                <span className="whitespace-nowrap">
                  {" "}
                  Range: {range(f)}
                  {f.type === "int" ? ", whole" : ""}.
                </span>
              )}
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
