import Link from "next/link";
import type { Column } from "../ui/data-table";

/** The first column of the review tables: the task's prompt, linking to its review page. */
export function promptColumn<R extends { taskId: string; prompt: string }>(): Column<R> {
  return {
    header: "Prompt",
    className: "max-w-md truncate",
    cell: (r) => (
      <Link href={`/review/tasks/${r.taskId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
        {r.prompt || "(empty prompt)"}
      </Link>
    ),
  };
}
