// Imports an existing preference dataset (TRL pairs, whole rankings, HH-RLHF, UltraFeedback; JSONL,
// JSON, CSV or Parquet) into a project as rankings: each record becomes a prompt, its answers, a ranking
// task that is already complete (never handed to a labeler), the ranking and its C(K,2) comparisons.
// Every imported ranking carries `importedFrom` (the layout and file): it never counts in labeler
// agreement, and exports may leave it out. Like the prompt import: the upload is copied to a
// temporary file, validated whole (the first bad record names the file and its line or row), then
// written in one transaction, so a bad file imports nothing. The same record imported twice is skipped.
import "server-only";
import crypto from "node:crypto";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { ImportError } from "../imports/errors";
import type { ImportFormat } from "../imports/format";
import type { ChunkSource } from "../imports/lines";
import { withSpooledFile } from "../imports/spool";
import { parsePreferenceFile } from "../imports/parse-preferences";
import type { NormalizedPreference, PreferenceLayout } from "../imports/preference-records";
import { canonicalJson } from "../imports/records";
import { formatRanking } from "../ranking/notation";
import { expandPairs } from "../ranking/pairs";
import { upsertPrompts } from "./import";

const BATCH = 200;

export type PreferenceImportResult = {
  kind: "preferences";
  layout: PreferenceLayout;
  records: number;
  created: number;
  duplicates: number;
  comparisons: number;
};

/** The same record imported again is skipped: its task's hash covers the prompt, the answers and their order. */
const importedHash = (r: NormalizedPreference) =>
  crypto
    .createHash("sha256")
    .update(canonicalJson(["imported-ranking", r.contentHash, r.responses, r.tiers, r.margin ?? null]))
    .digest("hex");

/** "hh.jsonl, line 3: …" / "data.parquet, row 7: …": the file named in the one sentence. */
function named(e: unknown, fileName: string): unknown {
  if (!(e instanceof ImportError)) return e;
  const where = e.line > 0 ? `${fileName}, ${e.unit.toLowerCase()} ${e.line}: ` : `${fileName}: `;
  const detail = e.line > 0 ? e.detail : e.detail.charAt(0).toLowerCase() + e.detail.slice(1);
  return new ImportError(e.reason, 0, `${where}${detail}`);
}

export async function importPreferences(
  db: Db,
  user: SessionUser,
  input: { projectId: string; format: ImportFormat | "parquet"; layout?: PreferenceLayout; source: ChunkSource; fileName?: string },
): Promise<PreferenceImportResult> {
  const project = await db.project.findUnique({ where: { id: input.projectId }, select: { id: true } });
  if (!project) throw new AppError("not_found", "That project was not found.");
  const fileName = (input.fileName ?? "").trim() || `the ${input.format === "parquet" ? "Parquet" : input.format.toUpperCase()} file`;
  return withSpooledFile(input.source, async (file) => {
    const seen: { layout?: PreferenceLayout } = {};
    const options = { format: input.format, layout: input.layout };
    try {
      for await (const parsed of parsePreferenceFile(file, options, seen)) void parsed; // throws at the first bad record
    } catch (e) {
      throw named(e, fileName);
    }
    const layout = seen.layout!;
    const result: PreferenceImportResult = { kind: "preferences", layout, records: 0, created: 0, duplicates: 0, comparisons: 0 };
    const importedFrom = `${layout}: ${fileName}`.slice(0, 300);
    await db.$transaction(
      async (tx) => {
        let batch: NormalizedPreference[] = [];
        const flush = async () => {
          await insertRankings(tx, input.projectId, user, importedFrom, batch, result);
          batch = [];
        };
        for await (const { record } of parsePreferenceFile(file, { ...options, layout })) {
          result.records++;
          batch.push(record);
          if (batch.length >= BATCH) await flush();
        }
        if (batch.length) await flush();
        await audit(tx, user.id, "import.preferences", { type: "project", id: input.projectId }, { ...result, file: fileName });
      },
      { timeout: 30 * 60_000 },
    );
    return result;
  });
}

async function insertRankings(
  tx: Tx,
  projectId: string,
  user: SessionUser,
  importedFrom: string,
  batch: NormalizedPreference[],
  result: PreferenceImportResult,
) {
  await upsertPrompts(tx, { id: projectId }, batch);
  const prompts = await tx.prompt.findMany({
    where: { projectId, contentHash: { in: [...new Set(batch.map((r) => r.contentHash))] } },
    select: { id: true, contentHash: true },
  });
  const promptId = new Map(prompts.map((p) => [p.contentHash, p.id]));
  const sets = batch.map((record) => ({ record, taskId: crypto.randomUUID(), hash: importedHash(record) }));
  // Complete from the start (done = wanted = 1): the queue never hands an imported ranking to a labeler.
  const created = await tx.task.createManyAndReturn({
    data: sets.map((s) => ({
      id: s.taskId,
      projectId,
      promptId: promptId.get(s.record.contentHash)!,
      kind: "ranking" as const,
      wanted: 1,
      done: 1,
      contentHash: s.hash,
    })),
    skipDuplicates: true,
    select: { id: true },
  });
  const ids = new Set(created.map((t) => t.id));
  const fresh = sets.filter((s) => ids.has(s.taskId));
  result.created += fresh.length;
  result.duplicates += batch.length - fresh.length;
  if (!fresh.length) return;

  const now = new Date();
  const completions: { id: string; promptId: string; text: string; source: "import"; sourceName: string }[] = [];
  const items: { taskId: string; position: number; completionId: string }[] = [];
  const assignments: { id: string; taskId: string; userId: string; status: "submitted"; leasedUntil: Date }[] = [];
  const rankings: {
    id: string;
    taskId: string;
    assignmentId: string;
    labelerId: string;
    tiers: number[][];
    notation: string;
    clientId: string;
    importedFrom: string;
  }[] = [];
  const answers: { rankingId: string; completionId: string; tier: number; likert: number | null; flags: string[] }[] = [];
  const comparisons: {
    projectId: string;
    taskId: string;
    rankingId: string;
    labelerId: string;
    chosenId: string;
    rejectedId: string;
    tie: boolean;
    margin: number;
    importedMargin: number | null;
  }[] = [];
  for (const { record: r, taskId } of fresh) {
    const pid = promptId.get(r.contentHash)!;
    const ids = r.responses.map(() => crypto.randomUUID());
    // One id per response; the record's tiers cover exactly its response positions (checked on import).
    const idAt = (position: number) => ids[position]!;
    r.responses.forEach((text, position) => {
      completions.push({ id: idAt(position), promptId: pid, text, source: "import", sourceName: r.models[position] || importedFrom });
      items.push({ taskId, position, completionId: idAt(position) });
    });
    const assignmentId = crypto.randomUUID();
    const rankingId = crypto.randomUUID();
    assignments.push({ id: assignmentId, taskId, userId: user.id, status: "submitted", leasedUntil: now });
    rankings.push({
      id: rankingId,
      taskId,
      assignmentId,
      labelerId: user.id,
      tiers: r.tiers,
      notation: formatRanking(r.tiers),
      clientId: `import:${rankingId}`,
      importedFrom,
    });
    r.tiers.forEach((tier, t) =>
      tier.forEach((pos) => answers.push({ rankingId, completionId: idAt(pos), tier: t, likert: r.likert?.[pos] ?? null, flags: r.flags?.[pos] ?? [] })),
    );
    for (const p of expandPairs(r.tiers))
      comparisons.push({
        projectId,
        taskId,
        rankingId,
        labelerId: user.id,
        chosenId: idAt(p.chosen),
        rejectedId: idAt(p.rejected),
        tie: p.tie,
        margin: p.margin,
        importedMargin: r.margin ?? null,
      });
  }
  await tx.completion.createMany({ data: completions });
  await tx.taskCompletion.createMany({ data: items });
  await tx.assignment.createMany({ data: assignments });
  await tx.ranking.createMany({ data: rankings });
  await tx.rankingAnswer.createMany({ data: answers });
  await tx.comparison.createMany({ data: comparisons });
  result.comparisons += comparisons.filter((c) => !c.tie).length;
}
