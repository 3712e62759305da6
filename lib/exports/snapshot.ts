// Makes one export snapshot. Everything is read inside ONE repeatable-read transaction on a
// dedicated connection (labelers may keep submitting: the files and counts describe one moment),
// rows are streamed through a server-side cursor into per-split JSONL files (constant memory), a
// dataset card is written beside them, and only then is the Export row stored. Files are written in
// a hidden ".<id>.partial" folder that is renamed into place at the end; on any failure the folder
// is removed and no Export row exists.
import "server-only";
import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { audit } from "../audit";
import type { Db } from "../db";
import { env } from "../env";
import { notFound } from "../errors";
import type { CreateExportInput } from "../validation/export";
import { AGREED_TASKS, agreementPass, type AgreementTotals } from "./agreement-pass";
import { datasetCard } from "./card";
import { cursorBatches } from "./cursor";
import { layoutOf, KIND_LABELS } from "./layouts";
import { LINE_BUILDERS, parsePrompt, type LineContext, type PromptColumns } from "./lines";
import { pseudonymizer } from "./pseudonym";
import { comparisonsQuery, demonstrationsQuery, promptsQuery, rankingsQuery, type Query } from "./queries";
import type { ExportPrompt } from "./rows";
import { splitOf, type Split } from "./split";
import { SplitFiles, writeSmallFile, type ExportFile } from "./split-files";
import { exportsRoot, toExportView, type ExportView } from "./store";

export type SplitCount = { rows: number; prompts: number };

/**
 * The pseudonym secret of an export: HMAC(server secret, export id). Stable for the export, never
 * written to its files, and useless without the server secret (NEXTAUTH_SECRET; a fixed
 * development value where none is set, which production refuses to start without).
 */
export function exportSecret(exportId: string): string {
  const server = env().NEXTAUTH_SECRET ?? "rlhf-studio-development-secret";
  return createHmac("sha256", server).update(`export-pseudonyms:${exportId}`).digest("hex");
}

function queryFor(f: CreateExportInput, agreed: string | null): Query {
  switch (f.kind) {
    case "rm":
      return comparisonsQuery(f, agreed);
    case "rankings":
      return rankingsQuery(f, agreed);
    case "sft":
      return demonstrationsQuery(f);
    case "ppo":
      return promptsQuery(f);
  }
}

type Streamed = {
  files: (ExportFile & { split: Split; rows: number })[];
  splitCounts: Record<string, SplitCount>;
  rows: number;
  prompts: number;
  labelers: number;
  rankings: number;
};

/** Streams the export query into the split files. Rows arrive ordered by prompt. */
async function streamRows(
  client: pg.ClientBase,
  f: CreateExportInput,
  q: Query,
  files: SplitFiles,
  secret: string,
  splits: Split[],
  batchSize: number,
): Promise<Streamed> {
  const build = LINE_BUILDERS[f.kind] as (row: PromptColumns, ctx: LineContext) => string | string[] | null;
  const labelerNames = pseudonymizer(secret);
  const labelers = new Set<string>();
  const counts = Object.fromEntries(splits.map((s) => [s, { rows: 0, prompts: 0 }])) as Record<Split, SplitCount>;
  const splitOpts = { validation: f.validation, test: f.test, seed: f.seed };
  let promptId: string | null = null;
  let split: Split = "train";
  let promptCounted = false;
  let lastRanking: string | null = null;
  let rankings = 0;
  let rows = 0;
  const ctx: LineContext = { prompt: null as unknown as ExportPrompt, labeler: labelerNames, f };
  for await (const batch of cursorBatches<PromptColumns & { labelerId?: string; rankingId?: string }>(client, q, batchSize)) {
    for (const row of batch) {
      if (row.promptId !== promptId) {
        promptId = row.promptId;
        ctx.prompt = parsePrompt(row);
        split = splitOf(row.contentHash, splitOpts);
        promptCounted = false;
      }
      const out = build(row, ctx);
      if (out === null || out.length === 0) continue;
      const lines = typeof out === "string" ? [out] : out;
      if (!promptCounted) {
        counts[split].prompts++;
        promptCounted = true;
      }
      counts[split].rows += lines.length;
      rows += lines.length;
      if (row.labelerId) labelers.add(row.labelerId);
      if (row.rankingId && row.rankingId !== lastRanking) {
        lastRanking = row.rankingId;
        rankings++;
      }
      for (const line of lines) {
        const pending = files.add(split, line);
        if (pending) await pending;
      }
    }
  }
  const prompts = splits.reduce((n, s) => n + counts[s].prompts, 0);
  return { files: await files.finish(), splitCounts: counts, rows, prompts, labelers: labelers.size, rankings };
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
  ].filter(Boolean);
  return parts.length ? `Filters: ${parts.join("; ")}.` : "No filters.";
}

export type CreateExportOptions = { connectionString?: string; /** Rows per FETCH (default 1000). */ batchSize?: number };

/** Makes the snapshot, stores its Export row (audited) and returns it. */
export async function createExport(
  db: Db,
  user: { id: string },
  f: CreateExportInput,
  opts: CreateExportOptions = {},
): Promise<ExportView> {
  const project = f.projectId ? await db.project.findUnique({ where: { id: f.projectId }, select: { name: true, guidelines: true } }) : null;
  if (f.projectId && !project) throw notFound("The project");
  const id = randomUUID();
  const createdAt = new Date();
  const root = exportsRoot();
  await fs.mkdir(root, { recursive: true });
  const partial = path.join(root, `.${id}.partial`);
  const final = path.join(root, id);
  await fs.mkdir(partial);
  const splits: Split[] = ["train", ...(f.validation > 0 ? ["validation" as const] : []), ...(f.test > 0 ? ["test" as const] : [])];
  const client = new pg.Client({ connectionString: opts.connectionString ?? env().DATABASE_URL });
  let files: SplitFiles | undefined;
  let moved = false;
  try {
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    let agreement: AgreementTotals | undefined;
    if (f.kind === "rm" || f.kind === "rankings") agreement = await agreementPass(client, f);
    files = await SplitFiles.create(partial, splits);
    const agreed = f.minAgreement !== undefined && agreement ? AGREED_TASKS : null;
    const s = await streamRows(client, f, queryFor(f, agreed), files, exportSecret(id), splits, opts.batchSize ?? 1000);
    files = undefined;
    await client.query("COMMIT");

    const name = f.name || `${project?.name ?? "All projects"}: ${KIND_LABELS[f.kind]}`;
    const empty = s.rows === 0 ? "No rows matched these filters, so this export is empty." : "";
    const note = [empty, f.note].filter(Boolean).join(" ");
    const layout = layoutOf(f.kind, f.layout, f.kind === "rm" && f.margin);
    const card = datasetCard({
      name,
      description: [note, describeFilters(f)].filter(Boolean).join("\n\n"),
      license: f.license,
      layout: layout.layout,
      taskCategories: f.kind === "rm" || f.kind === "rankings" ? ["text-generation", "text-classification"] : undefined,
      files: s.files.map((x) => ({ split: x.split, path: x.name, rows: x.rows })),
      fields: layout.fields,
      counts: {
        prompts: s.prompts,
        labelers: s.labelers,
        ...(f.kind === "rm" ? { comparisons: s.rows, rankings: s.rankings } : {}),
        ...(f.kind === "rankings" ? { rankings: s.rows } : {}),
        ...(f.kind === "sft" ? { demonstrations: s.rows } : {}),
      },
      splitMethod: `Rows are split by a hash of the prompt (validation ${f.validation}, test ${f.test}${f.seed ? `, seed "${f.seed}"` : ""}), so every row of one prompt is in the same split.`,
      guidelines: project?.guidelines,
      agreement: agreement && { pairwiseRate: agreement.rate, sharedPairs: agreement.sharedPairs, labelerPairs: agreement.labelerPairs },
      createdAt,
    });
    const readme = await writeSmallFile(partial, "README.md", card);
    await fs.rename(partial, final);
    moved = true;
    const fileList: ExportFile[] = [...s.files.map(({ name, sha256, bytes, rows }) => ({ name, sha256, bytes, rows })), readme];
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
    await files?.abort();
    await client.query("ROLLBACK").catch(() => {});
    await fs.rm(moved ? final : partial, { recursive: true, force: true });
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}
