// Reading stored exports: the list, one export, and the path of one of its files (only names its
// Export row lists, so a request can never reach outside the export's folder).
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { audit } from "../audit";
import type { Db } from "../db";
import { notFound } from "../errors";
import { storageRoot } from "../storage";
import type { ExportFile } from "./split-files";
import { isId } from "../validation/id";

export const exportsRoot = () => path.join(storageRoot(), "exports");

const include = { createdBy: { select: { email: true } }, project: { select: { name: true } } } as const;

type ExportRow = {
  id: string;
  projectId: string | null;
  kind: string;
  filters: unknown;
  rowCount: number;
  splitCounts: unknown;
  files: unknown;
  note: string;
  createdById: string;
  createdAt: Date;
  createdBy: { email: string };
  project: { name: string } | null;
};

export type ExportView = {
  id: string;
  kind: string;
  projectId: string | null;
  projectName: string | null;
  filters: Record<string, unknown>;
  rowCount: number;
  splitCounts: Record<string, { rows: number; prompts: number }>;
  files: ExportFile[];
  note: string;
  createdById: string;
  createdByEmail: string;
  createdAt: string;
};

export function toExportView(e: ExportRow): ExportView {
  return {
    id: e.id,
    kind: e.kind,
    projectId: e.projectId,
    projectName: e.project?.name ?? null,
    filters: e.filters as Record<string, unknown>,
    rowCount: e.rowCount,
    splitCounts: e.splitCounts as ExportView["splitCounts"],
    files: e.files as ExportFile[],
    note: e.note,
    createdById: e.createdById,
    createdByEmail: e.createdBy.email,
    createdAt: e.createdAt.toISOString(),
  };
}

/** `projects`: only exports of these projects (membership: lib/membership/access.ts projectsWhere); null or left out: all. */
export async function listExports(db: Db, opts: { projectId?: string; take?: number; projects?: string[] | null } = {}): Promise<ExportView[]> {
  const scope = opts.projects ? { projectId: { in: opts.projects } } : {};
  const rows = await db.export.findMany({
    where: { AND: [scope, opts.projectId ? { projectId: opts.projectId } : {}] },
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 100,
    include,
  });
  return rows.map(toExportView);
}

export async function getExport(db: Db, id: string): Promise<ExportView> {
  const row = isId(id) ? await db.export.findUnique({ where: { id }, include }) : null;
  if (!row) throw notFound("The export");
  return toExportView(row);
}

/** The stored file `name` of an export, or not found when the export does not list it or it is gone. */
export function exportFile(e: ExportView, name: string): { path: string; file: ExportFile } {
  // Parquet files live under data/: a link sends the name URL-encoded ("data%2Ftrain-…"), which a route may pass on as it is.
  const file = e.files.find((f) => f.name === name) ?? e.files.find((f) => name.includes("%") && f.name === safeDecode(name));
  if (!file) throw notFound(`The file "${name}"`);
  const p = path.join(exportsRoot(), e.id, file.name);
  if (!fs.existsSync(p)) throw notFound(`The stored file "${name}"`);
  return { path: p, file };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

const CONTENT_TYPES: [string, string][] = [
  [".jsonl", "application/x-ndjson; charset=utf-8"],
  [".parquet", "application/vnd.apache.parquet"],
];

/**
 * Streams one listed file of an export as an attachment, with its sha256 in a header, and records
 * the download in the audit log. Used by the app's route and by /api/v1 alike.
 */
export async function downloadExportFile(db: Db, userId: string, exportId: string, name: string, detail: Record<string, unknown> = {}): Promise<Response> {
  const exp = await getExport(db, exportId);
  const { path: filePath, file } = exportFile(exp, name);
  await audit(db, userId, "export.download", { type: "export", id: exp.id }, { file: file.name, ...detail });
  const body = Readable.toWeb(fs.createReadStream(/*turbopackIgnore: true*/ filePath)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": CONTENT_TYPES.find(([ext]) => file.name.endsWith(ext))?.[1] ?? "text/markdown; charset=utf-8",
      "content-length": String(file.bytes),
      "content-disposition": `attachment; filename="${exp.id.slice(0, 8)}-${file.name.replace(/\//g, "-")}"`,
      "x-content-sha256": file.sha256,
      "cache-control": "private, no-store",
    },
  });
}
