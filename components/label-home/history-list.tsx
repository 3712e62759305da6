"use client";

import { useRouter } from "next/navigation";
import { useState, type ComponentType } from "react";
import type { RankingEditState } from "@/lib/labeling/labeler-home";
import { resultUrl, TASK_KINDS, type TaskKind } from "@/lib/labeling/task-kinds";
import { Markdown } from "../labeling/markdown";
import { formatWhen } from "../runs/format";
import { Button } from "../ui/button";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText } from "../ui/field";
import { RankingEditor } from "./ranking-editor";

export type HistoryRow = {
  kind: TaskKind;
  id: string;
  createdAt: string;
  projectName: string;
  prompt: string;
  summary: string;
  editable: boolean;
  ranking?: RankingEditState;
};

type EditorProps = { row: HistoryRow; onDone: () => void; onCancel: () => void };

function EditDemonstration({ row, onDone, onCancel }: EditorProps) {
  const [value, setValue] = useState(row.summary);
  const [error, setError] = useState<string>();
  const save = async () => {
    try {
      await fetchJson(resultUrl("demonstration", row.id), { method: "PUT", json: { text: value } });
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

function DemonstrationSummary({ row }: { row: HistoryRow }) {
  return <Markdown className="line-clamp-2 text-sm text-zinc-600 dark:text-zinc-400">{row.summary}</Markdown>;
}

/** A ranking's notation, e.g. "A > B = C > D". */
function RankingSummary({ row }: { row: HistoryRow }) {
  return <p className="font-mono">{row.summary}</p>;
}

/** A past ranking is edited on the tier board it was made on. */
function EditRanking({ row, onDone, onCancel }: EditorProps) {
  return row.ranking ? <RankingEditor id={row.id} state={row.ranking} onDone={onDone} onCancel={onCancel} /> : <RankingSummary row={row} />;
}

/** How each kind's past work is summed up in the list, and edited. */
const HISTORY_VIEWS: Record<TaskKind, { Summary: ComponentType<{ row: HistoryRow }>; Editor: ComponentType<EditorProps> }> = {
  demonstration: { Summary: DemonstrationSummary, Editor: EditDemonstration },
  ranking: { Summary: RankingSummary, Editor: EditRanking },
};

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
      {rows.map((r) => {
        const { Summary, Editor } = HISTORY_VIEWS[r.kind];
        return (
          <li key={r.id} className="py-3">
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <span className="text-zinc-500">
                {TASK_KINDS[r.kind].label} · {r.projectName} · {formatWhen(r.createdAt)} UTC
              </span>
              {r.editable && editing !== r.id && (
                <Button variant="ghost" onClick={() => setEditing(r.id)}>
                  Edit
                </Button>
              )}
            </div>
            <Markdown className="line-clamp-2 text-sm">{r.prompt}</Markdown>
            {editing === r.id ? <Editor row={r} onDone={done} onCancel={() => setEditing(undefined)} /> : <Summary row={r} />}
          </li>
        );
      })}
    </ul>
  );
}
