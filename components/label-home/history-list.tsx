"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { RankingEditState } from "@/lib/labeling/labeler-home";
import { Markdown } from "../labeling/markdown";
import { formatWhen } from "../runs/format";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";
import { RankingEditor } from "./ranking-editor";

export type HistoryRow = {
  kind: "ranking" | "demonstration";
  id: string;
  createdAt: string;
  projectName: string;
  prompt: string;
  summary: string;
  editable: boolean;
  ranking?: RankingEditState;
};

function EditDemonstration({ row, onDone, onCancel }: { row: HistoryRow; onDone: () => void; onCancel: () => void }) {
  const [value, setValue] = useState(row.summary);
  const [error, setError] = useState<string>();
  const save = async () => {
    try {
      await fetchJson(`/api/demonstrations/${row.id}`, { method: "PUT", json: { text: value } });
      onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="mt-2 space-y-2">
      <textarea
        aria-label="Demonstration"
        rows={6}
        className="w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <ErrorText>{error}</ErrorText>
      <div className="flex gap-2">
        <Button onClick={save}>Save</Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}

export function HistoryList({ rows }: { rows: HistoryRow[] }) {
  const router = useRouter();
  const [editing, setEditing] = useState<string>();
  const done = () => {
    setEditing(undefined);
    router.refresh();
  };
  if (rows.length === 0) return <p className="text-sm text-zinc-500">Nothing yet: your submitted work appears here.</p>;
  return (
    <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
      {rows.map((r) => (
        <li key={r.id} className="py-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
            <span className="text-zinc-500">
              {r.kind === "ranking" ? "Ranking" : "Demonstration"} · {r.projectName} · {formatWhen(r.createdAt)} UTC
            </span>
            {r.editable && editing !== r.id && (
              <Button variant="ghost" onClick={() => setEditing(r.id)}>
                Edit
              </Button>
            )}
          </div>
          <Markdown className="line-clamp-2 text-sm">{r.prompt}</Markdown>
          {editing === r.id && r.kind === "ranking" && r.ranking ? (
            <RankingEditor id={r.id} state={r.ranking} onDone={done} onCancel={() => setEditing(undefined)} />
          ) : editing === r.id ? (
            <EditDemonstration row={r} onDone={done} onCancel={() => setEditing(undefined)} />
          ) : r.kind === "ranking" ? (
            <p className="font-mono">{r.summary}</p>
          ) : (
            <Markdown className="line-clamp-2 text-sm text-zinc-600 dark:text-zinc-400">{r.summary}</Markdown>
          )}
        </li>
      ))}
    </ul>
  );
}
