"use client";

// The records page's results: pick tasks, then re-queue or discard them in bulk with a reason.
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { RecordRow } from "@/lib/review/records";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { DataTable, type Column } from "../ui/data-table";
import { promptColumn } from "./prompt-column";
import { fetchJson } from "../ui/fetch-json";
import { ErrorText, Field } from "../ui/field";

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(0)}%`);

function status(r: RecordRow): string {
  return [
    r.done < r.wanted ? `open ${r.done}/${r.wanted}` : "done",
    r.reported && "reported",
    r.review && (r.review === "override" ? "overridden" : "accepted"),
    r.discarded > 0 && `${r.discarded} discarded`,
    r.gold && "gold",
  ]
    .filter(Boolean)
    .join(" · ");
}

const COLUMNS: Column<RecordRow>[] = [
  promptColumn<RecordRow>(),
  { header: "Project", cell: (r) => r.projectName },
  { header: "Kind", cell: (r) => r.kind },
  { header: "Status", cell: (r) => status(r) },
  { header: "Agreement", className: "tabular-nums", cell: (r) => pct(r.agreement) },
  { header: "Created", className: "tabular-nums", cell: (r) => r.createdAt.slice(0, 10) },
];

export function RecordsTable({ rows, canAct }: { rows: RecordRow[]; canAct: boolean }) {
  const router = useRouter();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const toggle = (id: string) => setPicked((p) => (p.has(id) ? new Set([...p].filter((x) => x !== id)) : new Set([...p, id])));
  const pick: Column<RecordRow> = {
    header: (
      <input
        type="checkbox"
        aria-label="Choose every task shown"
        checked={rows.length > 0 && picked.size === rows.length}
        onChange={(e) => setPicked(e.target.checked ? new Set(rows.map((r) => r.taskId)) : new Set())}
      />
    ),
    cell: (r) => <input type="checkbox" aria-label={`Choose ${r.prompt}`} checked={picked.has(r.taskId)} onChange={() => toggle(r.taskId)} />,
  };
  const columns = canAct ? [pick, ...COLUMNS] : COLUMNS;

  return (
    <div className="space-y-3">
      <Card className="overflow-x-auto p-0">
        <DataTable rows={rows} columns={columns} rowKey={(r) => r.taskId} label="Records" />
      </Card>
      {canAct && (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={async (e) => {
            e.preventDefault();
            const action = (e.nativeEvent as SubmitEvent).submitter?.getAttribute("value") ?? "requeue";
            const reason = String(new FormData(e.currentTarget).get("reason") ?? "");
            setError(undefined);
            setDone(undefined);
            try {
              const r = await fetchJson<{ result: { tasks: number; changed: number } }>("/api/records/bulk", {
                method: "POST",
                json: { action, taskIds: [...picked], reason },
              });
              setDone(action === "requeue" ? `${r.result.tasks} task(s) back in the queue.` : `${r.result.changed} label(s) discarded.`);
              setPicked(new Set());
              router.refresh();
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          <Field label={`Reason (${picked.size} chosen)`} id="bulk-reason" name="reason" required maxLength={2000} />
          <Button type="submit" value="requeue" variant="secondary" disabled={picked.size === 0}>
            Re-queue (one more label each)
          </Button>
          <Button type="submit" value="discard" variant="danger" disabled={picked.size === 0}>
            Discard their labels
          </Button>
        </form>
      )}
      <ErrorText>{error}</ErrorText>
      {done && (
        <p role="status" className="text-sm text-green-700 dark:text-green-400">
          {done}
        </p>
      )}
    </div>
  );
}
