import { ExportForm } from "@/components/exports/export-form";
import { ExportHistory } from "@/components/exports/export-history";
import { PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { envVar } from "@/lib/env";
import { listExports } from "@/lib/exports/store";
import { inProjects, projectsWhere } from "@/lib/membership/access";
import { FLAGS } from "@/lib/ranking/flags";

export const metadata = { title: "Exports" };

export default async function ExportsPage() {
  const user = await requirePermission("datasets.export");
  const mine = await projectsWhere(db, user, "datasets.export");
  const [projects, labelers, exports, sources] = await Promise.all([
    db.project.findMany({ where: { archived: false, id: inProjects(mine) }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.user.findMany({
      where: { OR: [{ rankings: { some: {} } }, { demonstrations: { some: {} } }] },
      orderBy: { email: "asc" },
      select: { id: true, email: true },
    }),
    listExports(db, { projects: mine }),
    db.completion.findMany({ distinct: ["sourceName"], where: { sourceName: { not: "" } }, select: { sourceName: true }, take: 100 }),
  ]);
  return (
    <>
      <PageHeader title="Exports" />
      <div className="space-y-8">
        <ExportForm
          projects={projects}
          labelers={labelers}
          flags={FLAGS.map((f) => ({ id: f.id, label: f.label }))}
          sources={sources.map((s) => s.sourceName)}
        />
        <ExportHistory exports={exports} hubPush={can(user, "settings.manage") && envVar("HUB_PUSH") === "1"} />
      </div>
    </>
  );
}
