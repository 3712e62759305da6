import { ProjectSettingsForm } from "@/components/admin/project-settings-form";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { projectSettings } from "@/lib/validation/project";

export const metadata = { title: "New project" };

export default async function NewProjectPage() {
  await requirePermission("projects.manage");
  return (
    <>
      <PageHeader title="New project" />
      <Card className="max-w-2xl">
        {/* Opens empty (the settings keep their defaults): one click cannot make a project nobody named. */}
        <ProjectSettingsForm initial={{ ...projectSettings.parse({ name: "-" }), name: "" }} />
      </Card>
    </>
  );
}
