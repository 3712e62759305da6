import { ModelTree } from "@/components/models/model-tree";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { artifactDir, artifactFiles, lineageForest, listArtifacts } from "@/lib/models/artifacts";

export const metadata = { title: "Models" };

export default async function ModelsPage() {
  const user = await requirePermission("runs.read");
  const [rows, artifacts, projects] = await Promise.all([
    db.modelArtifact.findMany({ select: { id: true, path: true, kind: true } }),
    listArtifacts(db),
    db.project.findMany({ where: { archived: false }, orderBy: { name: "asc" }, select: { id: true, name: true, generatorId: true } }),
  ]);
  const files = Object.fromEntries(rows.map((r) => [r.id, artifactFiles(artifactDir(r), r.kind)]));
  return (
    <>
      <PageHeader title="Models" />
      <p className="mb-4 max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Every checkpoint, under the one it was trained from. Files download as they are on disk (safetensors, config, tokenizer); the ONNX
        export is made the first time it is asked for. Promote a policy to write a project&apos;s answers for ranking.
      </p>
      {artifacts.length === 0 ? (
        <Card>
          <p className="text-sm text-zinc-500">No checkpoints yet: a training run registers one when it finishes.</p>
        </Card>
      ) : (
        <ModelTree nodes={lineageForest(artifacts)} files={files} projects={projects} canPromote={can(user, "runs.create")} />
      )}
    </>
  );
}
