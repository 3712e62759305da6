import Link from "next/link";
import type { QueueRow } from "@/lib/review/queue";
import { Card } from "../ui/card";

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(0)}%`);

/** One section of the review queue: its tasks, each linking to the task's review page. */
export function QueueTable({ title, rows, empty }: { title: string; rows: QueueRow[]; empty: string }) {
  return (
    <Card className="overflow-x-auto">
      <h2 className="mb-2 font-semibold">{title}</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-500">{empty}</p>
      ) : (
        <table className="w-full text-sm" aria-label={title}>
          <thead className="text-left text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Prompt</th>
              <th className="py-1 font-medium">Project</th>
              <th className="py-1 font-medium">Rankings</th>
              <th className="py-1 font-medium">Reports</th>
              <th className="py-1 font-medium">Agreement</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.taskId} className="border-t border-zinc-200 dark:border-zinc-800">
                <td className="max-w-md truncate py-1">
                  <Link href={`/review/tasks/${r.taskId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {r.prompt || "(empty prompt)"}
                  </Link>
                </td>
                <td className="py-1">{r.projectName}</td>
                <td className="py-1 tabular-nums">{r.rankings}</td>
                <td className="py-1 tabular-nums">{r.reports}</td>
                <td className="py-1 tabular-nums">{pct(r.agreement)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
