import type { InputHTMLAttributes, SelectHTMLAttributes } from "react";

const INPUT = "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

export function Field({ label, id, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; id: string }) {
  return (
    <label htmlFor={id} className="block space-y-1">
      <span className="text-sm font-medium">{label}</span>
      <input id={id} className={INPUT} {...props} />
    </label>
  );
}

export function Select({ label, id, children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; id: string }) {
  return (
    <label htmlFor={id} className="block space-y-1">
      <span className="text-sm font-medium">{label}</span>
      <select id={id} className={INPUT} {...props}>
        {children}
      </select>
    </label>
  );
}

/** A choice of a FilterSelect: its value, shown as itself, or a value and its label. */
type Choice = string | { value: string; label: string };

/** A search form's filter (a GET form's field `name`): a labelled select whose first choice, "Any", is the empty value. */
export function FilterSelect({ label, name, value, choices }: { label: string; name: string; value: string; choices: readonly Choice[] }) {
  return (
    <Select label={label} id={`filter-${name}`} name={name} defaultValue={value}>
      <option value="">Any</option>
      {choices.map((c) => {
        const { value: v, label: text } = typeof c === "string" ? { value: c, label: c } : c;
        return (
          <option key={v} value={v}>
            {text}
          </option>
        );
      })}
    </Select>
  );
}

export function ErrorText({ children }: { children?: React.ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
      {children}
    </p>
  );
}
