// Makes one export snapshot. Everything is read inside ONE repeatable-read transaction on a
// dedicated connection (labelers may keep submitting: the files and counts describe one moment),
// rows are streamed through a server-side cursor into per-split JSONL and Parquet files (constant
// memory) by a child process (./stream.ts, ./stream-process.ts), a dataset card is written beside
// them (the folder is then a ready Hugging Face dataset repository: README.md and data/*.parquet), and only
// then is the Export row stored. Files are written in a hidden ".<id>.partial" folder that is
// renamed into place at the end; on any failure the folder is removed and no Export row exists.
import "server-only";
import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { audit } from "../audit";
import type { Db } from "../db";
import { databaseUrl, serverSecret } from "../env";
import { notFound } from "../errors";
import type { CreateExportInput } from "../validation/export";
import { schemaOf } from "../labeling/label-schema";
import { rankedExport } from "../labeling/task-kinds";
import { datasetCard } from "./card";
import { sweepNowAndThen, takeExportSlot } from "./housekeeping";
import { KIND_LABELS, LABEL_CHOICE_TEXT, layoutOf } from "./layouts";
import { datasetInfoYaml } from "./parquet-schema";
import type { ParquetOptions } from "./parquet-files";
import type { Split } from "./split";
import { writeSmallFile, type ExportFile } from "./split-files";
import { exportsRoot, toExportView, type ExportView } from "./store";
import { streamInChild, type ChildStats } from "./stream-process";

/**
 * The pseudonym secret of an export: HMAC(server secret, export id). Stable for the export, never
 * written to its files, and useless without the server secret (NEXTAUTH_SECRET; a fixed
 * development value where none is set, which production refuses to start without).
 */
export function exportSecret(exportId: string): string {
  return createHmac("sha256", serverSecret()).update(`export-pseudonyms:${exportId}`).digest("hex");
}

function describeFilters(f: CreateExportInput): string {
  const parts = [
    f.from && `from ${f.from.toISOString()}`,
    f.to && `before ${f.to.toISOString()}`,
    f.labelers.include.length && `${f.labelers.include.length} labeler(s) only`,
    f.labelers.exclude.length && `${f.labelers.exclude.length} labeler(s) left out`,
    f.minAgreement !== undefined && `tasks with agreement ≥ ${f.minAgreement}`,
    f.excludeFlags.length && `answers flagged ${f.excludeFlags.join(", ")} left out`,
    f.sourceModels.length && `answers from ${f.sourceModels.join(", ")} only`,
    f.kind === "rm" && (f.includeTies ? "ties kept" : "ties left out"),
    rankedExport(f.kind) &&
      f.importedLabels !== "include" &&
      (f.importedLabels === "only" ? "imported preference data only" : "imported preference data left out"),
  ].filter(Boolean);
  return parts.length ? `Filters: ${parts.join("; ")}.` : "No filters.";
}

export type CreateExportOptions = {
  connectionString?: string;
  /** Rows per FETCH (default 1000). */
  batchSize?: number;
  /** Called with the streaming child process's figures (its peak RSS), e.g. by the benchmark. */
  onWorkerStats?: (s: ChildStats) => void;
  /** Parquet row-group and shard sizes (tests make them small to see several). */
  parquet?: ParquetOptions;
};

/** Makes the snapshot, stores its Export row (audited) and returns it. */
export async function createExport(db: Db, user: { id: string }, f: CreateExportInput, opts: CreateExportOptions = {}): Promise<ExportView> {
  const project = f.projectId ? await db.project.findUnique({ where: { id: f.projectId }, select: { name: true, guidelines: true, labelSchema: true } }) : null;
  if (f.projectId && !project) throw notFound("The project");
  const id = randomUUID();
  const release = takeExportSlot(id); // a 429 sentence when EXPORT_CONCURRENCY exports are being made
  try {
    await sweepNowAndThen();
    return await writeExport(db, user, f, opts, id, project);
  } finally {
    release();
  }
}

async function writeExport(
  db: Db,
  user: { id: string },
  f: CreateExportInput,
  opts: CreateExportOptions,
  id: string,
  project: { name: string; guidelines: string; labelSchema: unknown } | null,
): Promise<ExportView> {
  const createdAt = new Date();
  const root = exportsRoot();
  await fs.mkdir(root, { recursive: true });
  const partial = path.join(root, `.${id}.partial`);
  const final = path.join(root, id);
  await fs.mkdir(partial);
  const splits: Split[] = ["train", ...(f.validation > 0 ? ["validation" as const] : []), ...(f.test > 0 ? ["test" as const] : [])];
  let moved = false;
  try {
    const s = await streamInChild(
      {
        connectionString: opts.connectionString ?? databaseUrl(),
        filters: f,
        dir: partial,
        secret: exportSecret(id),
        splits,
        batchSize: opts.batchSize ?? 1000,
        parquet: opts.parquet,
      },
      opts.onWorkerStats,
    );
    const { agreement } = s;

    const name = f.name || `${project?.name ?? "All projects"}: ${KIND_LABELS[f.kind]}`;
    const empty = s.rows === 0 ? "No rows matched these filters, so this export is empty." : "";
    const note = [empty, f.note].filter(Boolean).join(" ");
    const layout = layoutOf(f.kind, f.layout, { margin: f.kind === "rm" && f.margin, ties: f.kind === "rm" && f.includeTies });
    const card = datasetCard({
      name,
      description: [note, describeFilters(f)].filter(Boolean).join("\n\n"),
      license: f.license,
      layout: layout.layout,
      taskCategories: rankedExport(f.kind) ? ["text-generation", "text-classification"] : undefined,
      files: s.files.map((x) => ({ split: x.split, path: `data/${x.split}-*.parquet`, rows: x.rows })),
      datasetInfo: datasetInfoYaml(
        layout.fields,
        s.files.map((x) => ({ split: x.split, rows: x.rows, bytes: s.parquet.filter((p) => p.split === x.split).reduce((n, p) => n + p.bytes, 0) })),
      ),
      filesNote: `The same rows are also in JSON Lines, one file per split: ${s.files.map((x) => `\`${x.name}\``).join(", ")}.`,
      fields: layout.fields,
      labels: rankedExport(f.kind) ? LABEL_CHOICE_TEXT[f.labels] : undefined,
      counts: {
        prompts: s.prompts,
        labelers: s.labelers,
        ...(f.kind === "rm" ? { comparisons: s.rows, rankings: s.rankings } : {}),
        ...(f.kind === "rankings" ? { rankings: s.rows } : {}),
        ...(f.kind === "sft" ? { demonstrations: s.rows } : {}),
      },
      splitMethod: `Rows are split by a hash of the prompt (validation ${f.validation}, test ${f.test}${f.seed ? `, seed "${f.seed}"` : ""}), so every row of one prompt is in the same split.`,
      guidelines: project?.guidelines,
      labelSchema: project ? schemaOf(project.labelSchema) : undefined,
      agreement: agreement && { pairwiseRate: agreement.rate, sharedPairs: agreement.sharedPairs, labelerPairs: agreement.labelerPairs },
      createdAt,
    });
    const readme = await writeSmallFile(partial, "README.md", card);
    await fs.rename(partial, final);
    moved = true;
    const listed = ({ name, sha256, bytes, rows }: ExportFile) => ({ name, sha256, bytes, rows });
    const fileList: ExportFile[] = [...s.files.map(listed), ...s.parquet.map(listed), readme];
    const row = await db.$transaction(async (tx) => {
      const e = await tx.export.create({
        data: {
          id,
          projectId: f.projectId ?? null,
          kind: f.kind,
          filters: JSON.parse(JSON.stringify(f)) as object,
          rowCount: s.rows,
          splitCounts: s.splitCounts,
          files: fileList,
          note,
          createdById: user.id,
          createdAt,
        },
        include: { createdBy: { select: { email: true } }, project: { select: { name: true } } },
      });
      await audit(tx, user.id, "export.create", { type: "export", id }, { kind: f.kind, rows: s.rows });
      return e;
    });
    return toExportView(row);
  } catch (e) {
    await fs.rm(moved ? final : partial, { recursive: true, force: true });
    throw e;
  }
}
