// The dataset a run reads: an export snapshot (checked: it exists, is of a layout the kind reads,
// belongs to the run's project and has rows) or "the project's labels now", a snapshot made here.
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { SessionUser } from "../auth/authenticate";
import { db } from "../db";
import { AppError } from "../errors";
import { createExport } from "../exports/snapshot";
import { exportsRoot } from "../exports/store";
import { createExportInput, type CreateExportInput, type ExportKind } from "../validation/export";
import type { NewRunInput } from "../validation/run";
import { DATASET_EXPORT_KINDS, RUN_KINDS, type DatasetKind, type RunKind } from "./kinds";

const refuse = (msg: string) => new AppError("bad_request", msg);

/** Export kinds each dataset kind reads (the table lives in kinds.ts, which the form can import too). */
const EXPORT_KINDS_FOR: Record<DatasetKind, readonly ExportKind[]> = DATASET_EXPORT_KINDS;

const EXPORT_NAMES: Record<string, string> = { sft: "demonstrations (SFT)", rm: "preference pairs", rankings: "whole rankings", ppo: "PPO prompts" };

/** Checks the request's dataset before anything is queued; a snapshot is NOT made here. */
export async function checkDataset(kind: RunKind, projectId: string, dataset: NewRunInput["dataset"]): Promise<{ exportId: string | null }> {
  const info = RUN_KINDS[kind];
  const wanted = EXPORT_KINDS_FOR[info.dataset];
  if (info.dataset === "none") {
    if (dataset) throw refuse(`A ${info.label.toLowerCase()} run reads no dataset; leave the dataset out.`);
    return { exportId: null };
  }
  if (!dataset) {
    if (info.dataset === "text") return { exportId: null }; // the project's text and the built-in corpus
    throw refuse(`Choose a dataset: an export of ${wanted.map((k) => EXPORT_NAMES[k]).join(" or ")}, or the project's labels now.`);
  }
  if ("projectLabelsNow" in dataset) return { exportId: null };
  const e = await db.export.findUnique({ where: { id: dataset.exportId }, select: { id: true, kind: true, rowCount: true, projectId: true } });
  if (!e) throw new AppError("not_found", "The dataset export was not found.");
  if (!wanted.includes(e.kind as ExportKind))
    throw refuse(
      `The export holds ${EXPORT_NAMES[e.kind] ?? e.kind}, but a ${info.label.toLowerCase()} run reads ${wanted.map((k) => EXPORT_NAMES[k]).join(" or ")}.`,
    );
  if (e.projectId && e.projectId !== projectId) throw refuse("The export belongs to another project.");
  if (e.rowCount === 0) throw refuse("The export has no rows: label some data or choose another export.");
  return { exportId: e.id };
}

/**
 * "The project's labels now": makes the snapshot the run will read; refuses (and removes) an empty one.
 * `importedLabels`: imported preference data kept beside the labelers' (default), left out, or alone.
 */
export async function snapshotProjectLabels(
  user: SessionUser,
  kind: RunKind,
  projectId: string,
  runName: string,
  importedLabels: CreateExportInput["importedLabels"] = "include",
): Promise<string> {
  const info = RUN_KINDS[kind];
  const exportKind = EXPORT_KINDS_FOR[info.dataset][0];
  if (exportKind === undefined) throw refuse(`A ${info.label.toLowerCase()} run reads no dataset, so it has no labels to snapshot.`);
  const e = await createExport(
    db,
    user,
    createExportInput.parse({
      kind: exportKind,
      layout: "conversational",
      projectId,
      importedLabels,
      validation: 0.1,
      name: `${runName}: the project's labels`,
      note: `Made for the ${info.label.toLowerCase()} run "${runName}".`,
    }),
  );
  if (e.rowCount === 0) {
    await db.export.delete({ where: { id: e.id } });
    await fs.rm(path.join(exportsRoot(), e.id), { recursive: true, force: true });
    throw refuse(`The project has no ${EXPORT_NAMES[exportKind]} yet, so there is nothing to train on.`);
  }
  return e.id;
}
