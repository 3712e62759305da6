"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatWhen } from "../runs/format";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";

export type HistoryRow = {
  kind: "ranking" | "demonstration";
  id: string;
  createdAt: string;
  projectName: string;
  prompt: string;
  summary: string;
  editable: boolean;
};

function EditRow({ row, onDone }: { row: HistoryRow; onDone: () => void }) {
  const [value, setValue] = useState(row.summary);
  const [error, setError] = useState<string>();
  const save = async () => {
    try {
      if (row.kind === "ranking") await fetchJson(`/api/rankings/${row.id}`, { method: "PUT", json: { tiers: value } });
      else await fetchJson(`/api/demonstrations/${row.id}`, { method: "PUT", json: { text: value } });
      onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="mt-2 space-y-2">
      {row.kind === "ranking" ? (
        <input
          aria-label="Ranking"
          className="w-full rounded border border-zinc-300 bg-white px-2 py-1 font-mono dark:border-zinc-700 dark:bg-zinc-900"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      ) : (
        <textarea
          aria-label="Demonstration"
          rows={6}
          className="w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      )}
      <ErrorText>{error}</ErrorText>
      <Button onClick={save}>Save</Button>
    </div>
  );
}

export function HistoryList({ rows }: { rows: HistoryRow[] }) {
  const router = useRouter();
  const [editing, setEditing] = useState<string>();
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
          <p className="truncate text-sm">{r.prompt}</p>
          {editing === r.id ? (
            <EditRow
              row={r}
              onDone={() => {
                setEditing(undefined);
                router.refresh();
              }}
            />
          ) : (
            <p className={r.kind === "ranking" ? "font-mono" : "line-clamp-2 text-sm text-zinc-600 dark:text-zinc-400"}>{r.summary}</p>
          )}
        </li>
      ))}
    </ul>
  );
}
