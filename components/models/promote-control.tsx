"use client";

// Promote a policy checkpoint as a project's answer generator (PUT /api/projects/{id}/generator).
// A project has one generator (Project.generatorId): promoting another checkpoint replaces it, so
// the control says which one it replaces. Which checkpoint writes a project's answers is shown once,
// as the badge on that checkpoint (model-tree.tsx); the control lists only the other projects.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";

type Project = { id: string; name: string; generatorId: string | null; generatorName: string | null };

export function PromoteControl({ artifactId, projects }: { artifactId: string; projects: Project[] }) {
  const router = useRouter();
  const candidates = projects.filter((p) => p.generatorId !== artifactId);
  const [chosen, setProjectId] = useState(candidates[0]?.id ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // After a promotion the refreshed list no longer offers that project: fall back to the first one left.
  const projectId = candidates.some((p) => p.id === chosen) ? chosen : (candidates[0]?.id ?? "");
  const replaces = candidates.find((p) => p.id === projectId)?.generatorName ?? null;
  if (candidates.length === 0) return null; // it writes every project's answers: its badge says so
  return (
    <form
      className="flex flex-wrap items-center gap-2 text-sm"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          await fetchJson(`/api/projects/${projectId}/generator`, { method: "PUT", json: { artifactId } });
          router.refresh(); // the badge moves to this checkpoint
        } catch (err) {
          setError((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label htmlFor={`promote-${artifactId}`} className="text-zinc-600 dark:text-zinc-400">
        Answer generator for
      </label>
      <select
        id={`promote-${artifactId}`}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        value={projectId}
        onChange={(e) => setProjectId(e.currentTarget.value)}
      >
        {candidates.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <Button type="submit" variant="secondary" className="px-2 py-1" disabled={busy || !projectId}>
        {busy ? "Promoting…" : replaces ? `Promote (replaces ${replaces})` : "Promote"}
      </Button>
      {error && (
        <span role="alert" className="text-red-700 dark:text-red-400">
          {error}
        </span>
      )}
    </form>
  );
}
