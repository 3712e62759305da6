import { notFound } from "next/navigation";
import { ImportForm } from "@/components/admin/import-form";
import { LabelSchemaForm } from "@/components/admin/label-schema-form";
import { ProjectSettingsForm } from "@/components/admin/project-settings-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { schemaOf } from "@/lib/labeling/label-schema";

export const metadata = { title: "Project" };

export default async function ProjectPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("projects.manage");
  const { id } = await params;
  const project = /^[0-9a-f-]{36}$/.test(id) ? await db.project.findUnique({ where: { id } }) : null;
  if (!project) notFound();
  return (
    <>
      <PageHeader title={project.name} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <h2 className="mb-3 font-semibold">Settings</h2>
          <ProjectSettingsForm id={project.id} initial={project} />
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Import</h2>
          <ImportForm projectId={project.id} />
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Label schema</h2>
          <LabelSchemaForm projectId={project.id} initial={schemaOf(project.labelSchema)} />
        </Card>
      </div>
    </>
  );
}
