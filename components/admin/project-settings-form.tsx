"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ProjectSettings } from "@/lib/validation/project";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Field, Select } from "../ui/field";

const NUMBERS: { key: keyof ProjectSettings; label: string; min: number; max: number }[] = [
  { key: "answersPerTask", label: "Answers per ranking task (K)", min: 2, max: 9 },
  { key: "rankingsPerTask", label: "Rankings wanted per task (overlap)", min: 1, max: 20 },
  { key: "demonstrationsPerPrompt", label: "Demonstrations wanted per prompt", min: 0, max: 20 },
  { key: "leaseMinutes", label: "Lease time (minutes)", min: 1, max: 1440 },
  { key: "editLockHours", label: "Labelers may edit their work for (hours)", min: 0, max: 8760 },
  { key: "minDemonstrationChars", label: "Shortest demonstration (characters)", min: 1, max: 100000 },
  { key: "maxDemonstrationChars", label: "Longest demonstration (characters)", min: 1, max: 100000 },
  { key: "undoSeconds", label: "Labelers may undo a submission for (seconds, 0: off)", min: 0, max: 600 },
  { key: "goldEvery", label: "One task in this many is a gold task (0: none)", min: 0, max: 1000 },
];

/** Creates a project (no `id`) or edits one. */
export function ProjectSettingsForm({ id, initial }: { id?: string; initial: ProjectSettings }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  return (
    <form
      className="space-y-4"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const body: Record<string, unknown> = {
          name: String(f.get("name")),
          description: String(f.get("description")),
          guidelines: String(f.get("guidelines")),
        };
        for (const n of NUMBERS) body[n.key] = Number(f.get(n.key));
        if (!id) body.members = String(f.get("members"));
        const minGold = String(f.get("goldMinAccuracy") ?? "").trim();
        body.goldMinAccuracy = minGold === "" ? null : Number(minGold) / 100;
        setError(undefined);
        setSaved(false);
        try {
          const r = await fetchJson<{ project: { id: string } }>(id ? `/api/projects/${id}` : "/api/projects", {
            method: id ? "PATCH" : "POST",
            json: body,
          });
          setSaved(true);
          router.push(`/admin/projects/${r.project.id}`);
          router.refresh();
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <Field label="Name" id="name" name="name" defaultValue={initial.name} placeholder={id ? undefined : "e.g. Support answers, December"} required />
      <Field label="Description" id="description" name="description" defaultValue={initial.description} />
      <label htmlFor="guidelines" className="block space-y-1">
        <span className="text-sm font-medium">Guidelines (markdown, shown beside every task)</span>
        <textarea
          id="guidelines"
          name="guidelines"
          rows={8}
          defaultValue={initial.guidelines}
          className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
      </label>
      <div className="grid gap-3 sm:grid-cols-2">
        {NUMBERS.map((n) => (
          <Field key={n.key} label={n.label} id={n.key} name={n.key} type="number" min={n.min} max={n.max} defaultValue={Number(initial[n.key])} required />
        ))}
        <Field
          label="Leave out labelers whose gold accuracy is below (%, empty: never)"
          id="goldMinAccuracy"
          name="goldMinAccuracy"
          type="number"
          min={0}
          max={100}
          defaultValue={initial.goldMinAccuracy === null || initial.goldMinAccuracy === undefined ? "" : Math.round(initial.goldMinAccuracy * 100)}
        />
      </div>
      {!id && (
        <Select label="Members" id="members" name="members" defaultValue="everyone">
          <option value="everyone">Everyone: every active user joins (narrow it later on the project page)</option>
          <option value="creator">Only me: add members on the project page</option>
        </Select>
      )}
      <ErrorText>{error}</ErrorText>
      {saved && (
        <p role="status" className="text-sm text-green-700 dark:text-green-400">
          Saved.
        </p>
      )}
      <Button type="submit">{id ? "Save settings" : "Create project"}</Button>
    </form>
  );
}
