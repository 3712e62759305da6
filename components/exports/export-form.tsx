"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { EXPORT_KINDS, EXPORT_LAYOUTS, type CreateExportRequest, type ExportKind, type ExportLabelChoice } from "@/lib/validation/export";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Field, Select } from "../ui/field";
import { plural } from "../ui/plural";

const KIND_NAMES: Record<ExportKind, string> = {
  rm: "Reward model, pairwise (TRL preference)",
  rankings: "Rankings, whole (all pairs of a ranking together)",
  sft: "SFT demonstrations",
  ppo: "PPO prompts",
};
const LAYOUT_NAMES = { standard: "Standard (strings)", conversational: "Conversational (message lists)" } as const;
const MULTI = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

type Props = {
  projects: { id: string; name: string }[];
  labelers: { id: string; email: string }[];
  flags: { id: string; label: string }[];
  sources: string[];
};

const selected = (f: FormData, name: string) => f.getAll(name).map(String).filter(Boolean);
const num = (v: FormDataEntryValue | null) => (v === null || v === "" ? undefined : Number(v));

/** The form's fields as the API's request (the zod schema on the server checks the rest). */
function toRequest(f: FormData): CreateExportRequest {
  const from = f.get("from") as string;
  const to = f.get("to") as string;
  return {
    kind: f.get("kind") as ExportKind,
    layout: f.get("layout") as (typeof EXPORT_LAYOUTS)[number],
    projectId: (f.get("projectId") as string) || undefined,
    from: from ? `${from}T00:00:00.000Z` : undefined,
    to: to ? new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined, // through the end of that day (UTC)
    labelers: { include: selected(f, "include"), exclude: selected(f, "exclude") },
    minAgreement: num(f.get("minAgreement")),
    excludeFlags: selected(f, "excludeFlags"),
    sourceModels: selected(f, "sourceModels"),
    labels: (f.get("labels") as ExportLabelChoice) || "all",
    includeTies: f.get("includeTies") === "on",
    margin: f.get("margin") === "on",
    importedLabels: ((f.get("importedLabels") as string) || "include") as CreateExportRequest["importedLabels"],
    validation: num(f.get("validation")) ?? 0,
    test: num(f.get("test")) ?? 0,
    license: (f.get("license") as string) || "other",
    note: (f.get("note") as string) ?? "",
  };
}

export function ExportForm({ projects, labelers, flags, sources }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(form: HTMLFormElement) {
    setError(undefined);
    setResult(undefined);
    setBusy(true);
    try {
      const { export: e } = await fetchJson<{ export: { rowCount: number; note: string } }>("/api/exports", {
        method: "POST",
        json: toRequest(new FormData(form)),
      });
      setResult(`Export made: ${plural(e.rowCount, "row")}.${e.note ? ` ${e.note}` : ""}`);
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 className="mb-3 font-semibold">New export</h2>
      <form
        className="grid gap-4 md:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(e.currentTarget);
        }}
      >
        <Select label="Kind" id="export-kind" name="kind" defaultValue="rm">
          {EXPORT_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_NAMES[k]}
            </option>
          ))}
        </Select>
        <Select label="Layout" id="export-layout" name="layout" defaultValue="standard">
          {EXPORT_LAYOUTS.map((l) => (
            <option key={l} value={l}>
              {LAYOUT_NAMES[l]}
            </option>
          ))}
        </Select>
        <Select label="Project" id="export-project" name="projectId" defaultValue="">
          <option value="">All projects</option>
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
        <Select label="Labels (rankings and pairs)" id="export-labels" name="labels" defaultValue="all">
          <option value="all">All labels</option>
          <option value="consensus">Consensus: one ranking per task (the reviewer&apos;s where overridden)</option>
          <option value="reviewed">Reviewed where available, all labels elsewhere</option>
        </Select>
        <Field label="From (UTC date)" id="export-from" name="from" type="date" />
        <Field label="Through (UTC date)" id="export-to" name="to" type="date" />
        <Field label="Minimum agreement (0–1, optional)" id="export-min-agreement" name="minAgreement" type="number" min={0} max={1} step={0.01} />
        <Field label="Validation fraction" id="export-validation" name="validation" type="number" min={0} max={1} step={0.01} defaultValue={0.1} />
        <Field label="Test fraction" id="export-test" name="test" type="number" min={0} max={1} step={0.01} defaultValue={0} />
        <Field label="Licence (Hub id)" id="export-license" name="license" defaultValue="other" pattern="[a-z0-9][a-z0-9.+\-]*" />
        <Select label="Imported preference data (HH-RLHF, UltraFeedback, TRL…)" id="export-imported" name="importedLabels" defaultValue="include">
          <option value="include">Keep beside the labelers&apos; rankings</option>
          <option value="exclude">Leave out</option>
          <option value="only">Only the imported data</option>
        </Select>

        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Pairs</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="includeTies" /> Include ties (every row then says <code>tie</code> and <code>margin</code>; TRL reads every row as a
            preference, so drop tie rows for it)
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="margin" /> Add margin (tier distance)
          </label>
        </fieldset>
        <fieldset className="space-y-1 md:col-span-2">
          <legend className="text-sm font-medium">Leave out answers flagged</legend>
          <div className="grid gap-1 sm:grid-cols-2">
            {flags.map((f) => (
              <label key={f.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="excludeFlags" value={f.id} /> {f.label}
              </label>
            ))}
          </div>
        </fieldset>

        <label htmlFor="export-include" className="block space-y-1">
          <span className="text-sm font-medium">Only these labelers</span>
          <select id="export-include" name="include" multiple size={4} className={MULTI}>
            {labelers.map((l) => (
              <option key={l.id} value={l.id}>
                {l.email}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor="export-exclude" className="block space-y-1">
          <span className="text-sm font-medium">Leave out these labelers</span>
          <select id="export-exclude" name="exclude" multiple size={4} className={MULTI}>
            {labelers.map((l) => (
              <option key={l.id} value={l.id}>
                {l.email}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor="export-sources" className="block space-y-1">
          <span className="text-sm font-medium">Only answers from (source model)</span>
          <select id="export-sources" name="sourceModels" multiple size={4} className={MULTI}>
            {sources.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <div className="md:col-span-3">
          <Field label="Note (optional)" id="export-note" name="note" maxLength={2000} />
        </div>
        <div className="flex flex-wrap items-center gap-3 md:col-span-3">
          <Button type="submit" disabled={busy}>
            {busy ? "Exporting…" : "Make export"}
          </Button>
          {result && (
            <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
              {result}
            </p>
          )}
        </div>
        <div className="md:col-span-3">
          <ErrorText>{error}</ErrorText>
        </div>
      </form>
    </Card>
  );
}
