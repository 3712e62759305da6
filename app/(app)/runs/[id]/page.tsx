import Link from "next/link";
import { RunView } from "@/components/runs/run-view";
import { loadRun } from "@/lib/runs/load-run";
import { PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { runOrigin } from "@/lib/runs/origin";

export const metadata = { title: "Training run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePermission("runs.read");
  const { id } = await params;
  const { run, points } = await loadRun(id);
  const now = Date.now(); // the browser hydrates the run's "so far" duration from this, then ticks
  const [others, origin] = await Promise.all([
    db.trainingRun.findMany({
      where: { id: { not: run.id } },
      orderBy: { createdAt: "desc" },
      take: 100,
      select: { id: true, name: true, kind: true },
    }),
    runOrigin(db, { ...run, config: run.config, base: run.base }),
  ]);
  return (
    <>
      <PageHeader title={run.name || run.kind}>
        <Link href="/runs" className="text-sm text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
          All runs
        </Link>
      </PageHeader>
      <RunView initial={run} initialPoints={points} canControl={can(user, "runs.create")} others={others} origin={origin} now={now} />
    </>
  );
}
