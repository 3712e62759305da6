import type { ExportView } from "@/lib/exports/store";
import { PushToHub } from "../hub/push-to-hub";
import { Card } from "../ui/card";
import { plural } from "../ui/plural";

/** `hubPush`: the viewer may push an export to the Hugging Face Hub (an admin, with HUB_PUSH=1). */
export function ExportHistory({ exports, hubPush = false }: { exports: ExportView[]; hubPush?: boolean }) {
  return (
    <section aria-labelledby="export-history">
      <h2 id="export-history" className="mb-3 text-lg font-semibold">
        History
      </h2>
      {exports.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No exports yet.</p>
      ) : (
        <Card className="overflow-x-auto p-0">
          <table className="w-full text-sm">
            <thead className="text-left text-zinc-500 dark:text-zinc-400">
              <tr>
                <th className="px-4 py-2">Made</th>
                <th className="px-4 py-2">Kind</th>
                <th className="px-4 py-2">Project</th>
                <th className="px-4 py-2">Rows</th>
                <th className="px-4 py-2">Files (sha256)</th>
              </tr>
            </thead>
            <tbody>
              {exports.map((e) => (
                <tr key={e.id} data-export-id={e.id} className="border-t border-zinc-200 align-top dark:border-zinc-800">
                  <td className="px-4 py-2 whitespace-nowrap">
                    <time dateTime={e.createdAt}>{e.createdAt.slice(0, 16).replace("T", " ")}</time>
                    <div className="text-xs text-zinc-500">{e.createdByEmail}</div>
                  </td>
                  <td className="px-4 py-2">
                    {e.kind} · {String(e.filters.layout ?? "standard")}
                  </td>
                  <td className="px-4 py-2">{e.projectName ?? "All"}</td>
                  <td className="px-4 py-2 tabular-nums">
                    {e.rowCount}
                    {e.note && <p className="mt-1 max-w-xs text-xs text-amber-700 dark:text-amber-400">{e.note}</p>}
                  </td>
                  <td className="px-4 py-2">
                    <ul className="space-y-1">
                      {e.files.map((f) => (
                        <li key={f.name}>
                          <a
                            href={`/api/exports/${e.id}/files/${encodeURIComponent(f.name)}`}
                            download
                            className="font-medium text-indigo-700 underline-offset-2 hover:underline focus-visible:rounded focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
                          >
                            {f.name}
                          </a>
                          <span className="text-xs text-zinc-500">
                            {" "}
                            · {f.rows !== undefined ? `${plural(f.rows, "row")} · ` : ""}
                            {plural(f.bytes, "byte")}
                          </span>
                          <code className="block break-all font-mono text-xs text-zinc-500" title="sha256">
                            {f.sha256}
                          </code>
                        </li>
                      ))}
                    </ul>
                    {hubPush && (
                      <div className="mt-2">
                        <PushToHub url={`/api/exports/${e.id}/hub`} what="dataset" />
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </section>
  );
}
