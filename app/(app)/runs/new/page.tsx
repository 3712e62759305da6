import Link from "next/link";
import { NewRunForm } from "@/components/runs/new-run-form";
import { PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { inProjects, projectsWhere } from "@/lib/membership/access";
import { artifactDir, folderModel } from "@/lib/models/artifacts";
import { totalMemory } from "@/lib/runs/create";
import { RUN_KIND_NAMES, type RunKind } from "@/lib/runs/kinds";
import { liveWorkers } from "@/lib/worker/queue";

export const metadata = { title: "New training run" };

export default async function NewRunPage({ searchParams }: { searchParams: Promise<{ kind?: string }> }) {
  const user = await requirePermission("runs.create");
  const { kind } = await searchParams;
  const mine = await projectsWhere(db, user, "runs.create");
  const [projects, artifacts, exports, workers] = await Promise.all([
    db.project.findMany({ where: { archived: false, id: inProjects(mine) }, orderBy: { name: "asc" }, select: { id: true, name: true, answersPerTask: true } }),
    db.modelArtifact.findMany({
      orderBy: { createdAt: "desc" },
      take: 200,
      select: { id: true, kind: true, source: true, name: true, path: true, createdAt: true, config: true },
    }),
    db.export.findMany({
      where: { rowCount: { gt: 0 } },
      orderBy: { createdAt: "desc" },
      take: 200,
      select: { id: true, kind: true, projectId: true, rowCount: true, createdAt: true },
    }),
    liveWorkers(),
  ]);
  const gpuDevices = [...new Set(workers.flatMap((w) => w.devices.filter((d) => d.startsWith("cuda:"))))].sort();
  const iso = <T extends { createdAt: Date }>(r: T) => ({ ...r, createdAt: r.createdAt.toISOString() });
  return (
    <>
      <PageHeader title="New training run">
        <Link href="/runs" className="text-sm text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
          All runs
        </Link>
      </PageHeader>
      <NewRunForm
        projects={projects}
        artifacts={artifacts.map(({ path: p, ...a }) => ({ ...iso(a), model: folderModel(artifactDir({ path: p })) }))}
        totalMemory={totalMemory()}
        exports={exports.map(iso)}
        gpuDevices={gpuDevices}
        initialKind={(RUN_KIND_NAMES as readonly string[]).includes(kind ?? "") ? (kind as RunKind) : undefined}
      />
    </>
  );
}
