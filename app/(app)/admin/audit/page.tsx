import { Card, PageHeader } from "@/components/ui/card";
import { listAuditLog } from "@/lib/audit-log";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";

export const metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ action?: string }> }) {
  await requirePermission("audit.read");
  const { action } = await searchParams;
  const rows = await listAuditLog(db, { action: action?.slice(0, 60) });
  return (
    <>
      <PageHeader title="Audit log" />
      <form className="mb-4 flex gap-2 text-sm" method="get">
        <label htmlFor="action" className="sr-only">
          Action starts with
        </label>
        <input
          id="action"
          name="action"
          defaultValue={action ?? ""}
          placeholder="Filter: user., export., import., project."
          className="w-72 rounded-md border border-zinc-300 bg-white px-3 py-2 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button className="rounded-md border border-zinc-300 px-3 dark:border-zinc-700">Filter</button>
      </form>
      <Card className="overflow-x-auto p-0">
        <table className="w-full text-sm">
          <thead className="text-left text-zinc-500">
            <tr>
              <th className="px-4 py-2">When</th>
              <th className="px-4 py-2">Who</th>
              <th className="px-4 py-2">What</th>
              <th className="px-4 py-2">Target</th>
              <th className="px-4 py-2">Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-zinc-200 align-top dark:border-zinc-800">
                <td className="whitespace-nowrap px-4 py-2 tabular-nums">{r.at.toISOString().replace("T", " ").slice(0, 19)}</td>
                <td className="px-4 py-2">{r.actor}</td>
                <td className="px-4 py-2 font-mono">{r.action}</td>
                <td className="px-4 py-2 font-mono text-xs">{r.target}</td>
                <td className="max-w-md truncate px-4 py-2 font-mono text-xs">{JSON.stringify(r.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="p-4 text-sm text-zinc-500">Nothing recorded yet.</p>}
      </Card>
    </>
  );
}
