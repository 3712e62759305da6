// Imports a prompts or answer-set file into a project: streamed (a 100k-line file is never held
// whole), validated all-or-nothing (the first bad line rolls the one transaction back, naming the
// line), with duplicates (same content in the project) skipped and counted.
// No transaction ever waits on the client: the file is first copied whole to a temporary file (a
// slow upload holds nothing), then parsed and validated from it, and only then read once more
// inside the one transaction that writes it (the embedded database runs one transaction at a time).
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import type { ImportFormat } from "../imports/format";
import type { ChunkSource } from "../imports/lines";
import { withSpooledFile } from "../imports/spool";
import { parseImport, type ImportKind } from "../imports/parse-file";
import { canonicalJson, type NormalizedAnswerSet, type NormalizedPrompt } from "../imports/records";

const BATCH = 500;

/** `gold`: of the tasks made, the gold ones (answer sets with a known ranking). */
export type ImportResult = { kind: ImportKind; records: number; created: number; duplicates: number; tasks: number; gold: number };

type ProjectRow = { id: string; demonstrationsPerPrompt: number; rankingsPerTask: number };

export async function importFile(
  db: Db,
  user: SessionUser,
  input: { projectId: string; kind: ImportKind; format: ImportFormat; source: ChunkSource; fileName?: string },
): Promise<ImportResult> {
  const project = await db.project.findUnique({ where: { id: input.projectId } });
  if (!project) throw new AppError("not_found", "That project was not found.");
  const result: ImportResult = { kind: input.kind, records: 0, created: 0, duplicates: 0, tasks: 0, gold: 0 };
  await withSpooledFile(input.source, async (file) => {
    const options = { format: input.format, kind: input.kind, answersPerTask: project.answersPerTask };
    for await (const parsed of parseImport(fs.createReadStream(file), options)) void parsed; // throws at the first bad line
    await writeImport(db, user, project, { ...input, file, options }, result);
  });
  return result;
}

/** The one transaction, reading the already validated file. */
async function writeImport(
  db: Db,
  user: SessionUser,
  project: ProjectRow,
  input: { kind: ImportKind; file: string; fileName?: string; options: { format: ImportFormat; kind: ImportKind; answersPerTask: number } },
  result: ImportResult,
) {
  await db.$transaction(
    async (tx) => {
      let batch: (NormalizedPrompt | NormalizedAnswerSet)[] = [];
      const flush = async () => {
        if (input.kind === "prompts") await insertPrompts(tx, project, batch, result);
        else await insertAnswerSets(tx, project, batch as NormalizedAnswerSet[], result);
        batch = [];
      };
      for await (const { record } of parseImport(fs.createReadStream(input.file), input.options)) {
        result.records++;
        batch.push(record);
        if (batch.length >= BATCH) await flush();
      }
      if (batch.length) await flush();
      await audit(tx, user.id, `import.${input.kind}`, { type: "project", id: project.id }, { ...result, file: input.fileName ?? "" });
    },
    { timeout: 30 * 60_000 },
  );
}

export async function upsertPrompts(tx: Tx, project: { id: string }, batch: NormalizedPrompt[]) {
  const created = await tx.prompt.createManyAndReturn({
    data: batch.map((r) => ({
      projectId: project.id,
      messages: r.messages,
      format: r.format,
      externalId: r.externalId,
      split: r.split,
      metadata: r.metadata as object,
      contentHash: r.contentHash,
      source: "import",
    })),
    skipDuplicates: true,
    select: { id: true, contentHash: true },
  });
  return created;
}

async function insertPrompts(tx: Tx, project: ProjectRow, batch: NormalizedPrompt[], result: ImportResult) {
  const created = await upsertPrompts(tx, project, batch);
  result.created += created.length;
  result.duplicates += batch.length - created.length;
  if (project.demonstrationsPerPrompt > 0 && created.length) {
    const last = new Map(batch.map((r) => [r.contentHash, r.messages.at(-1)?.role]));
    const needing = created.filter((p) => last.get(p.contentHash) !== "assistant");
    await tx.task.createMany({
      data: needing.map((p) => ({
        projectId: project.id,
        promptId: p.id,
        kind: "demonstration" as const,
        wanted: project.demonstrationsPerPrompt,
      })),
    });
    result.tasks += needing.length;
  }
}

/**
 * An answer set is a duplicate when the same prompt already has the same answers in a task; a gold
 * set is told apart from a plain one with the same answers (it is a different task).
 */
export const answerSetHash = (promptHash: string, responses: string[], gold = false) =>
  crypto
    .createHash("sha256")
    .update(canonicalJson(gold ? [promptHash, responses, "gold"] : [promptHash, responses]))
    .digest("hex");

async function insertAnswerSets(tx: Tx, project: ProjectRow, batch: NormalizedAnswerSet[], result: ImportResult) {
  await upsertPrompts(tx, project, batch);
  const prompts = await tx.prompt.findMany({
    where: { projectId: project.id, contentHash: { in: [...new Set(batch.map((r) => r.contentHash))] } },
    select: { id: true, contentHash: true },
  });
  const promptId = new Map(prompts.map((p) => [p.contentHash, p.id]));
  const sets = batch.map((r) => ({ record: r, taskId: crypto.randomUUID(), hash: answerSetHash(r.contentHash, r.responses, r.goldTiers !== undefined) }));
  const created = await tx.task.createManyAndReturn({
    data: sets.map((s) => ({
      id: s.taskId,
      projectId: project.id,
      promptId: promptId.get(s.record.contentHash)!,
      kind: "ranking" as const,
      // A gold task is never in the open queue (wanted 0): the queue mixes it in at the project's
      // gold rate, once per labeler (lib/labeling/gold-queue.ts).
      wanted: s.record.goldTiers ? 0 : project.rankingsPerTask,
      contentHash: s.hash,
      ...(s.record.goldTiers ? { gold: s.record.goldTiers } : {}),
    })),
    skipDuplicates: true,
    select: { id: true },
  });
  const createdIds = new Set(created.map((t) => t.id));
  const fresh = sets.filter((s) => createdIds.has(s.taskId));
  result.created += fresh.length;
  result.tasks += fresh.length;
  result.gold += fresh.filter((s) => s.record.goldTiers).length;
  result.duplicates += batch.length - fresh.length;
  const completions = fresh.flatMap((s) =>
    s.record.responses.map((text, position) => ({
      id: crypto.randomUUID(),
      taskId: s.taskId,
      position,
      promptId: promptId.get(s.record.contentHash)!,
      text,
      sourceName: s.record.sourceName,
    })),
  );
  await tx.completion.createMany({
    data: completions.map((c) => ({ id: c.id, promptId: c.promptId, text: c.text, source: "import" as const, sourceName: c.sourceName })),
  });
  await tx.taskCompletion.createMany({
    data: completions.map((c) => ({ taskId: c.taskId, position: c.position, completionId: c.id })),
  });
}
