"use client";

// Where a generate run's answers come from (lib/generation/request.ts `generateSource`): the
// project's promoted policy, chosen checkpoints, or an OpenAI-compatible endpoint.
import type { FieldErrors } from "./form-model";

export type SourceState = {
  kind: "promoted" | "artifacts" | "openai";
  artifactIds: string[];
  baseUrl: string;
  model: string;
  apiKey: string;
  /** Ask the endpoint for streamed answers (stream: true). */
  stream?: boolean;
  /** Answers per task; empty: the project's setting. */
  k: string;
};

const POLICY_KINDS = ["base", "sft", "ppo", "dpo"];
const INPUT = "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900 aria-[invalid=true]:border-red-500";

/** The request createRun stores for a generate run (the API key goes to the run's encrypted secrets). */
export function sourceRequest(s: SourceState): Record<string, unknown> {
  const k = s.k.trim() ? { k: Number(s.k) } : {};
  if (s.kind === "artifacts") return { source: { kind: "artifacts", artifactIds: s.artifactIds }, ...k };
  if (s.kind === "openai")
    return {
      source: {
        kind: "openai",
        baseUrl: s.baseUrl.trim(),
        model: s.model.trim(),
        ...(s.apiKey ? { apiKey: s.apiKey } : {}),
        ...(s.stream ? { stream: true } : {}),
      },
      ...k,
    };
  return { source: { kind: "promoted" }, ...k };
}

export function GenerateSource({
  value,
  onChange,
  artifacts,
  errors,
}: {
  value: SourceState;
  onChange: (s: SourceState) => void;
  artifacts: { id: string; kind: string; name: string }[];
  errors: FieldErrors;
}) {
  const set = (patch: Partial<SourceState>) => onChange({ ...value, ...patch });
  const policies = artifacts.filter((a) => POLICY_KINDS.includes(a.kind));
  const text = (name: "baseUrl" | "model" | "apiKey" | "k", label: string, help: string, type = "text") => (
    <div className="space-y-1">
      <label htmlFor={`run-${name}`} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={`run-${name}`}
        type={type}
        autoComplete="off"
        className={INPUT}
        value={value[name]}
        aria-invalid={!!errors[name]}
        aria-describedby={[`run-${name}-help`, errors[name] ? `run-${name}-error` : ""].filter(Boolean).join(" ")}
        onChange={(e) => set({ [name]: e.currentTarget.value })}
      />
      <p id={`run-${name}-help`} className="text-xs text-zinc-500 dark:text-zinc-400">
        {help}
      </p>
      {errors[name] && (
        <p id={`run-${name}-error`} className="text-xs font-medium text-red-700 dark:text-red-400">
          {errors[name]}
        </p>
      )}
    </div>
  );
  return (
    <fieldset className="space-y-3">
      <legend className="text-base font-semibold">Answers from</legend>
      <div className="flex flex-wrap gap-4 text-sm">
        {(
          [
            ["promoted", "The project's promoted policy"],
            ["artifacts", "Chosen checkpoints"],
            ["openai", "An OpenAI-compatible endpoint"],
          ] as const
        ).map(([k, label]) => (
          <label key={k} className="flex items-center gap-2">
            <input type="radio" name="generate-source" value={k} checked={value.kind === k} onChange={() => set({ kind: k })} />
            {label}
          </label>
        ))}
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        {value.kind === "artifacts" && (
          <div className="space-y-1 md:col-span-2">
            <label htmlFor="run-source" className="block text-sm font-medium">
              Checkpoints
            </label>
            <select
              id="run-source"
              multiple
              size={Math.min(6, Math.max(2, policies.length))}
              className={INPUT}
              value={value.artifactIds}
              aria-invalid={!!errors.source}
              aria-describedby={["run-source-help", errors.source ? "run-source-error" : ""].filter(Boolean).join(" ")}
              onChange={(e) => set({ artifactIds: [...e.currentTarget.selectedOptions].map((o) => o.value) })}
            >
              {policies.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.kind})
                </option>
              ))}
            </select>
            <p id="run-source-help" className="text-xs text-zinc-500 dark:text-zinc-400">
              Up to 9; the K answers of a task are shared out among them in turn.
            </p>
            {errors.source && (
              <p id="run-source-error" className="text-xs font-medium text-red-700 dark:text-red-400">
                {errors.source}
              </p>
            )}
          </div>
        )}
        {value.kind === "openai" && (
          <>
            {text("baseUrl", "Endpoint URL", "Requests go to {URL}/chat/completions, e.g. http://127.0.0.1:8000/v1.")}
            {text("model", "Model name", "The model the endpoint serves.")}
            {text("apiKey", "API key (optional)", "Stored encrypted with the run and cleared when it ends; never shown again.", "password")}
            <label className="flex items-center gap-2 text-sm">
              <input id="run-stream" type="checkbox" checked={!!value.stream} onChange={(e) => set({ stream: e.currentTarget.checked })} />
              Stream answers (<code>stream: true</code>): each answer arrives as the endpoint writes it
            </label>
          </>
        )}
        {text("k", "Answers per task (optional)", "2 to 9; empty: the project's setting.")}
      </div>
    </fieldset>
  );
}
