import Link from "next/link";
import { AutoRefresh } from "@/components/runs/auto-refresh";
import { isActive } from "@/components/runs/format";
import { RunsTable } from "@/components/runs/runs-table";
import { toJson } from "@/components/runs/types";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { listRuns } from "@/lib/runs/queries";

export const metadata = { title: "Training runs" };

export default async function RunsPage() {
  const user = await requirePermission("runs.read");
  const runs = toJson(await listRuns({ limit: 100 }));
  return (
    <>
      <PageHeader title="Training runs">
        {can(user, "runs.create") && (
          <Link href="/runs/new" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500">
            New run
          </Link>
        )}
      </PageHeader>
      <AutoRefresh active={runs.some((r) => isActive(r.status))} />
      {runs.length === 0 ? (
        <Card>
          <p className="text-sm text-zinc-500">No runs yet.</p>
        </Card>
      ) : (
        <RunsTable runs={runs} />
      )}
    </>
  );
}
