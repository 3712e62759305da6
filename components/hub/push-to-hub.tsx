"use client";

// "Push to Hub" beside an export or a checkpoint (admins, when HUB_PUSH=1): a repository name and
// private or public. The server starts the push in a child process and answers at once; this polls
// GET /api/hub/pushes/{id} for its progress (hashed, uploaded) until it links to the commit or says why it failed.
import { useEffect, useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";

type Push = {
  id: string;
  repo: string;
  state: "running" | "done" | "failed";
  progress: { phase: string; bytes: number; hashed: number; uploaded: number };
  result: { url: string; commit: { oid: string; url: string }; files: string[] } | null;
  error: string | null;
};

const POLL_MS = 1000;
const PHASE: Record<string, string> = { starting: "Starting", preuploading: "Hashing", uploadingLargeFiles: "Uploading", committing: "Committing" };
const pct = (n: number, of: number) => `${of ? Math.floor((100 * n) / of) : 100}%`;

export function PushToHub({ url, what, suggested }: { url: string; what: "dataset" | "model"; suggested?: string }) {
  const [open, setOpen] = useState(false);
  const [repo, setRepo] = useState(suggested ?? "");
  const [priv, setPriv] = useState(true);
  const [error, setError] = useState<string>();
  const [push, setPush] = useState<Push>();
  const running = push?.state === "running";

  useEffect(() => {
    if (!push || push.state !== "running") return;
    const timer = setTimeout(() => {
      fetchJson<{ push: Push }>(`/api/hub/pushes/${push.id}`).then(
        (r) => setPush(r.push),
        (e: Error) => {
          setError(e.message);
          setPush(undefined);
        },
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [push]);

  if (!open)
    return (
      <button type="button" className="text-sm text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300" onClick={() => setOpen(true)}>
        Push to Hub
      </button>
    );
  async function start() {
    setError(undefined);
    setPush(undefined);
    try {
      setPush((await fetchJson<{ push: Push }>(url, { method: "POST", json: { repo, private: priv } })).push);
    } catch (e) {
      setError((e as Error).message);
    }
  }
  const p = push?.progress;
  return (
    <div className="space-y-2 text-sm">
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-1">
          <span>{what === "dataset" ? "Dataset" : "Model"} repository</span>
          <input
            value={repo}
            onChange={(e) => setRepo(e.target.value)}
            placeholder="namespace/name"
            className="w-64 rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.target.checked)} /> private (when created)
        </label>
        <Button onClick={start} disabled={running || !repo.trim()}>
          {running ? "Pushing…" : "Push"}
        </Button>
      </div>
      {running && p && (
        <p className="text-zinc-600 dark:text-zinc-400" aria-live="polite">
          {PHASE[p.phase] ?? p.phase}: {pct(p.hashed, p.bytes)} hashed, {pct(p.uploaded, p.bytes)} uploaded of {(p.bytes / 1e6).toFixed(1)} MB
        </p>
      )}
      <ErrorText>{error ?? (push?.state === "failed" ? (push.error ?? undefined) : undefined)}</ErrorText>
      {push?.state === "done" && push.result && (
        <p className="text-green-700 dark:text-green-400">
          Pushed {push.result.files.length} file(s) to{" "}
          <a className="underline" href={push.result.commit.url} target="_blank" rel="noreferrer">
            {push.repo}
          </a>
          .
        </p>
      )}
    </div>
  );
}
