import { Card, PageHeader } from "@/components/ui/card";
import { DataTable, type Column } from "@/components/ui/data-table";
import { listAuditLog, type AuditRow } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";

export const metadata = { title: "Audit log" };

const COLUMNS: Column<AuditRow>[] = [
  { header: "When", className: "whitespace-nowrap tabular-nums", cell: (r) => r.at.toISOString().replace("T", " ").slice(0, 19) },
  { header: "Who", cell: (r) => r.actor },
  { header: "What", className: "font-mono", cell: (r) => r.action },
  { header: "Target", className: "font-mono text-xs", cell: (r) => r.target },
  { header: "Detail", className: "max-w-md truncate font-mono text-xs", cell: (r) => JSON.stringify(r.detail) },
];

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
        <DataTable rows={rows} columns={COLUMNS} rowKey={(r) => r.id} label="Audit log" rowClassName="align-top" />
        {rows.length === 0 && <p className="p-4 text-sm text-zinc-500">Nothing recorded yet.</p>}
      </Card>
    </>
  );
}
