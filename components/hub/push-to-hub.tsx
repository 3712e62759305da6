"use client";

// "Push to Hub" beside an export or a checkpoint (admins, when HUB_PUSH=1): a repository name and
// private or public; the answer links to the commit.
import { useState } from "react";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";

type Push = { repo: string; url: string; commit: { oid: string; url: string }; files: string[] };

export function PushToHub({ url, what, suggested }: { url: string; what: "dataset" | "model"; suggested?: string }) {
  const [open, setOpen] = useState(false);
  const [repo, setRepo] = useState(suggested ?? "");
  const [priv, setPriv] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<Push>();

  if (!open)
    return (
      <button type="button" className="text-sm text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300" onClick={() => setOpen(true)}>
        Push to Hub
      </button>
    );
  async function push() {
    setBusy(true);
    setError(undefined);
    try {
      setDone((await fetchJson<{ push: Push }>(url, { method: "POST", json: { repo, private: priv } })).push);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
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
        <Button onClick={push} disabled={busy || !repo.trim()}>
          {busy ? "Pushing…" : "Push"}
        </Button>
      </div>
      <ErrorText>{error}</ErrorText>
      {done && (
        <p className="text-green-700 dark:text-green-400">
          Pushed {done.files.length} file(s) to{" "}
          <a className="underline" href={done.commit.url} target="_blank" rel="noreferrer">
            {done.repo}
          </a>
          .
        </p>
      )}
    </div>
  );
}
