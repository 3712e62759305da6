// The runs list: status, progress, who, when, base and result of each run.
import Link from "next/link";
import { RUN_KINDS, type RunKind } from "@/lib/runs/kinds";
import { Card } from "../ui/card";
import { formatWhen } from "./format";
import { ProgressBar, StatusBadge } from "./run-status";
import type { RunSummaryJson } from "./types";

const LINK = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

const COLUMNS = ["Run", "Status", "Progress", "Who", "When (UTC)", "Base", "Result"];

export function RunsTable({ runs }: { runs: RunSummaryJson[] }) {
  return (
    <Card className="overflow-x-auto p-0">
      <table className="w-full text-sm">
        <caption className="sr-only">Training runs, newest first</caption>
        <thead className="text-left text-zinc-500 dark:text-zinc-400">
          <tr>
            {COLUMNS.map((h) => (
              <th key={h} scope="col" className="px-4 py-2">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-run-id={r.id} className="border-t border-zinc-200 align-top dark:border-zinc-800">
              <td className="px-4 py-2">
                <Link href={`/runs/${r.id}`} className={LINK}>
                  {r.name || r.kind}
                </Link>
                <div className="text-xs text-zinc-500">
                  {RUN_KINDS[r.kind as RunKind]?.label ?? r.kind}
                  {r.projectName ? ` · ${r.projectName}` : ""}
                </div>
              </td>
              <td className="px-4 py-2">
                <StatusBadge status={r.status} />
                {r.status === "failed" && r.error && (
                  <p className="mt-1 max-w-xs truncate text-xs text-red-700 dark:text-red-400" title={r.error}>
                    {r.error}
                  </p>
                )}
              </td>
              <td className="px-4 py-2">
                <ProgressBar progress={r.progress} status={r.status} etaSec={r.etaSec} label={`Progress of ${r.name || r.kind}`} compact />
              </td>
              <td className="px-4 py-2">{r.createdBy?.name || r.createdBy?.email}</td>
              <td className="px-4 py-2 whitespace-nowrap">
                <time dateTime={r.createdAt}>{formatWhen(r.createdAt)}</time>
              </td>
              <td className="px-4 py-2">{r.base ? `${r.base.name} (${r.base.kind})` : <span className="text-zinc-500">from scratch</span>}</td>
              <td className="px-4 py-2">
                {r.artifacts.length ? r.artifacts.map((a) => `${a.name} (${a.kind})`).join(", ") : <span className="text-zinc-500">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
