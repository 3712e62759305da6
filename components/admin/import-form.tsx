"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { detectFormat, type ImportFormat } from "@/lib/imports/format";
import { ErrorText, Select } from "../ui/field";
import { plural } from "../ui/plural";

type Result = { records: number; created: number; duplicates: number; tasks?: number; comparisons?: number; layout?: string };

export function ImportForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<Result>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="space-y-3"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const file = f.get("file") as File | null;
        if (!file || (file.size === 0 && file.name === "")) return setError("Choose a file first.");
        if (file.size === 0) return setError(`The file "${file.name}" is empty: there is nothing in it to import.`);
        let format: ImportFormat | "parquet";
        try {
          format = file.name.toLowerCase().endsWith(".parquet") ? "parquet" : detectFormat(file.name);
        } catch (err) {
          return setError((err as Error).message);
        }
        const q = new URLSearchParams({ kind: String(f.get("kind")), format, fileName: file.name });
        setBusy(true);
        setError(undefined);
        setResult(undefined);
        try {
          const r = await fetchJson<{ import: Result }>(`/api/projects/${projectId}/imports?${q}`, {
            method: "POST",
            body: file,
            // Not the file's own type: a .csv may be sent as text/plain, which the server refuses for uploads.
            headers: { "content-type": "application/octet-stream" },
          });
          setResult(r.import);
          router.refresh();
        } catch (err) {
          setError((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Select label="What the file holds" id="kind" name="kind" defaultValue="prompts">
        <option value="prompts">Prompts (JSONL or CSV: prompt or messages, id, split, metadata)</option>
        <option value="answers">Answer sets (prompt + responses, 2 to 9 each: ranking tasks)</option>
        <option value="preferences">
          Preference data as rankings (TRL pairs, our rankings export, Anthropic HH-RLHF, UltraFeedback ratings; JSONL, JSON, CSV or Parquet)
        </option>
      </Select>
      <label htmlFor="file" className="block space-y-1">
        <span className="text-sm font-medium">File (.jsonl, .json, .csv; .parquet for preference data)</span>
        <input id="file" name="file" type="file" accept=".jsonl,.ndjson,.csv,.json,.parquet" className="block text-sm" />
      </label>
      <ErrorText>{error}</ErrorText>
      {result && (
        <p role="status" className="text-sm text-green-700 dark:text-green-400">
          Imported {result.created} of {plural(result.records, "record")} ({plural(result.duplicates, "duplicate")} skipped,{" "}
          {result.comparisons !== undefined
            ? `${plural(result.comparisons, "comparison")}, read as ${result.layout}`
            : `${plural(result.tasks ?? 0, "task")} created`}
          ).
        </p>
      )}
      <Button type="submit" disabled={busy}>
        {busy ? "Importing…" : "Import"}
      </Button>
    </form>
  );
}
