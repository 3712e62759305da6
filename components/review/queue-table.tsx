import type { QueueRow } from "@/lib/review/queue";
import { Card } from "../ui/card";
import { DataTable, type Column } from "../ui/data-table";
import { promptColumn } from "./prompt-column";

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(0)}%`);

const COLUMNS: Column<QueueRow>[] = [
  promptColumn<QueueRow>(),
  { header: "Project", cell: (r) => r.projectName },
  { header: "Rankings", className: "tabular-nums", cell: (r) => r.rankings },
  { header: "Reports", className: "tabular-nums", cell: (r) => r.reports },
  { header: "Agreement", className: "tabular-nums", cell: (r) => pct(r.agreement) },
];

/** One section of the review queue: its tasks, each linking to the task's review page. */
export function QueueTable({ title, rows, empty }: { title: string; rows: QueueRow[]; empty: string }) {
  return (
    <Card className="overflow-x-auto">
      <h2 className="mb-2 font-semibold">{title}</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-500">{empty}</p>
      ) : (
        <DataTable rows={rows} columns={COLUMNS} rowKey={(r) => r.taskId} label={title} inset />
      )}
    </Card>
  );
}
