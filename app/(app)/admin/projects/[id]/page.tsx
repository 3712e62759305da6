import { notFound } from "next/navigation";
import { ProjectMembers } from "@/components/admin/project-members";
import { ImportForm } from "@/components/admin/import-form";
import { LabelSchemaForm } from "@/components/admin/label-schema-form";
import { ProjectSettingsForm } from "@/components/admin/project-settings-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { db } from "@/lib/db";
import { listMembers } from "@/lib/membership/members";
import { schemaOf } from "@/lib/labeling/label-schema";

export const metadata = { title: "Project" };

export default async function ProjectPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("projects.manage");
  const { id } = await params;
  const project = /^[0-9a-f-]{36}$/.test(id) ? await db.project.findUnique({ where: { id } }) : null;
  if (!project) notFound();
  const [members, users] = await Promise.all([
    listMembers(db, project.id),
    db.user.findMany({ where: { disabled: false }, orderBy: { email: "asc" }, select: { id: true, email: true, role: true } }),
  ]);
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
        <Card className="lg:col-span-2">
          <h2 className="mb-3 font-semibold">Members</h2>
          <ProjectMembers projectId={project.id} members={members} users={users} />
        </Card>
        <Card className="lg:col-span-2">
          <h2 className="mb-3 font-semibold">Label schema</h2>
          <LabelSchemaForm projectId={project.id} initial={schemaOf(project.labelSchema)} />
        </Card>
      </div>
    </>
  );
}
