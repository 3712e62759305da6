import Link from "next/link";
import { AutoRefresh } from "@/components/runs/auto-refresh";
import { isActive } from "@/components/runs/format";
import { RunsTable } from "@/components/runs/runs-table";
import { toJson } from "@/lib/runs/json";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { listRuns } from "@/lib/runs/queries";
import { liveWorkers } from "@/lib/worker/queue";

export const metadata = { title: "Training runs" };

export default async function RunsPage() {
  const user = await requirePermission("runs.read");
  const [list, workers] = await Promise.all([listRuns({ limit: 100 }), liveWorkers()]);
  const runs = toJson(list);
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
      <Card>
        <h2 className="mb-2 text-sm font-semibold">Workers</h2>
        {workers.length === 0 ? (
          <p className="text-sm text-zinc-500">No worker is running: queued runs wait until one starts (`npm start` runs one, `npm run worker` more).</p>
        ) : (
          <table className="w-full text-left text-sm" aria-label="Workers">
            <thead className="text-xs text-zinc-500">
              <tr>
                <th className="py-1 font-medium">Worker</th>
                <th className="py-1 font-medium">Devices</th>
                <th className="py-1 font-medium">Default</th>
                <th className="py-1 font-medium">Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id} className="border-t border-zinc-200 dark:border-zinc-800">
                  <td className="py-1">
                    {w.host} pid {w.pid}
                  </td>
                  <td className="py-1">{w.devices.join(", ")}</td>
                  <td className="py-1">{w.defaultDevice}</td>
                  <td className="py-1">{Math.max(0, Math.round((Date.now() - w.heartbeatAt.getTime()) / 1000))} s ago</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
