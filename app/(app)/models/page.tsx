import { ModelTree } from "@/components/models/model-tree";
import { Card, PageHeader } from "@/components/ui/card";
import { requirePermission } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { envVar } from "@/lib/env";
import { artifactDir, artifactFiles, folderModel, lineageForest, listArtifacts } from "@/lib/models/artifacts";
import { importRoot } from "@/lib/models/import";
import { ImportModel } from "@/components/models/import-model";
import { paramCount } from "@/ml/light";

export const metadata = { title: "Models" };

export default async function ModelsPage() {
  const user = await requirePermission("runs.read");
  const [rows, artifacts, projects] = await Promise.all([
    db.modelArtifact.findMany({ select: { id: true, path: true, kind: true } }),
    listArtifacts(db),
    db.project.findMany({
      where: { archived: false },
      orderBy: { name: "asc" },
      select: { id: true, name: true, generatorId: true, generator: { select: { name: true } } },
    }),
  ]);
  const files = Object.fromEntries(rows.map((r) => [r.id, artifactFiles(artifactDir(r), r.kind)]));
  // a checkpoint's size: its parameters (from the row, else its config.json) and the bytes of its files
  const sizes = Object.fromEntries(
    rows.map((r) => {
      const known = artifacts.find((a) => a.id === r.id)?.params ?? null;
      const model = known === null ? folderModel(artifactDir(r)) : null;
      return [r.id, { params: known ?? (model ? paramCount(model) : null), bytes: (files[r.id] ?? []).reduce((n, f) => n + (f.bytes ?? 0), 0) }];
    }),
  );
  return (
    <>
      <PageHeader title="Models" />
      {can(user, "models.import") && <ImportModel importRoot={importRoot()} />}
      <p className="mb-4 max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Every checkpoint, under the one it was trained from. Files download as they are on disk (safetensors, config, tokenizer); the ONNX export is made the
        first time it is asked for. Promote a policy to write a project&apos;s answers for ranking.
      </p>
      {artifacts.length === 0 ? (
        <Card>
          <p className="text-sm text-zinc-500">No checkpoints yet: a training run registers one when it finishes.</p>
        </Card>
      ) : (
        <ModelTree
          nodes={lineageForest(artifacts)}
          files={files}
          sizes={sizes}
          projects={projects.map(({ generator, ...p }) => ({ ...p, generatorName: generator?.name ?? null }))}
          canPromote={can(user, "runs.create")}
          hubPush={can(user, "settings.manage") && envVar("HUB_PUSH") === "1"}
        />
      )}
    </>
  );
}
