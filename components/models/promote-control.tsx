"use client";

// Promote a policy checkpoint as a project's answer generator (PUT /api/projects/{id}/generator).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";

export function PromoteControl({ artifactId, projects }: { artifactId: string; projects: { id: string; name: string; generatorId: string | null }[] }) {
  const router = useRouter();
  const candidates = projects.filter((p) => p.generatorId !== artifactId);
  const [chosen, setProjectId] = useState(candidates[0]?.id ?? "");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  // After a promotion the refreshed list no longer offers that project: fall back to the first one left.
  const projectId = candidates.some((p) => p.id === chosen) ? chosen : (candidates[0]?.id ?? "");
  // Nowhere left to promote it: keep the confirmation on screen.
  if (candidates.length === 0)
    return message ? (
      <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`}>
        {message.text}
      </p>
    ) : null;
  return (
    <form
      className="flex flex-wrap items-center gap-2 text-sm"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setMessage(undefined);
        try {
          await fetchJson(`/api/projects/${projectId}/generator`, { method: "PUT", json: { artifactId } });
          setMessage({ ok: true, text: "Promoted." });
          router.refresh();
        } catch (err) {
          setMessage({ ok: false, text: (err as Error).message });
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
        {busy ? "Promoting…" : "Promote"}
      </Button>
      {message && (
        <span role={message.ok ? "status" : "alert"} className={message.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}>
          {message.text}
        </span>
      )}
    </form>
  );
}
