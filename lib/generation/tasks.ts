// Generated answers become a ranking task exactly like an imported answer set: the task carries
// answerSetHash(prompt, answers), so the same answers for the same prompt are skipped, not doubled.
import "server-only";
import crypto from "node:crypto";
import type { Db } from "../db";
import { cleanText } from "../imports/records";
import { answerSetHash } from "../labeling/import";
import type { AnswerSource } from "./sources";

export type GeneratedAnswer = {
  text: string;
  source: "model" | "endpoint";
  /** The checkpoint's or the endpoint model's name. */
  sourceName: string;
  artifactId?: string;
  metadata?: Record<string, unknown>;
};

/** Text PostgreSQL can store (no NUL; an undertrained byte-level model can sample one), cleaned as imports are. */
const storableText = (s: string) => cleanText(s.replaceAll("\u0000", ""));

type ProjectCounts = { id: string; rankingsPerTask: number };

/** Creates the ranking task and its completions in the order given; null when it is a duplicate. */
export async function addGeneratedRankingTask(
  db: Db,
  project: ProjectCounts,
  prompt: { id: string; contentHash: string },
  answers: GeneratedAnswer[],
): Promise<string | null> {
  const stored = answers.map((a) => ({ a, text: storableText(a.text) }));
  const texts = stored.map((s) => s.text);
  const taskId = crypto.randomUUID();
  return db.$transaction(async (tx) => {
    const created = await tx.task.createManyAndReturn({
      data: [
        {
          id: taskId,
          projectId: project.id,
          promptId: prompt.id,
          kind: "ranking" as const,
          wanted: project.rankingsPerTask,
          contentHash: answerSetHash(prompt.contentHash, texts),
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    if (created.length === 0) return null;
    const completions = stored.map(({ a, text }, position) => ({ id: crypto.randomUUID(), position, a, text }));
    await tx.completion.createMany({
      data: completions.map((c) => ({
        id: c.id,
        promptId: prompt.id,
        text: c.text,
        source: c.a.source,
        sourceName: c.a.sourceName,
        artifactId: c.a.artifactId,
        metadata: (c.a.metadata ?? {}) as object,
      })),
    });
    await tx.taskCompletion.createMany({ data: completions.map((c) => ({ taskId, position: c.position, completionId: c.id })) });
    return taskId;
  });
}

export type PendingPrompt = { id: string; contentHash: string; messages: { role: "system" | "user" | "assistant"; content: string }[] };

/**
 * The project's prompts that await an answer (last message not the assistant's) and have no
 * ranking task yet holding an answer from one of these writers, oldest first. So each new policy
 * (the iterated loop: SFT, then PPO, then PPO again) gets its own round of tasks for every
 * prompt, while running the same generator twice adds nothing.
 */
export async function promptsNeedingRanking(db: Db, projectId: string, limit: number, writers: AnswerSource["writer"][]): Promise<PendingPrompt[]> {
  const artifactIds = writers.flatMap((w) => ("artifactId" in w ? [w.artifactId] : []));
  const models = writers.flatMap((w) => ("endpointModel" in w ? [w.endpointModel] : []));
  return db.$queryRaw<PendingPrompt[]>`
    SELECT p.id, p."contentHash", p.messages
    FROM "Prompt" p
    WHERE p."projectId" = ${projectId}::uuid
      AND (p.messages -> -1 ->> 'role') IS DISTINCT FROM 'assistant'
      AND NOT EXISTS (
        SELECT 1 FROM "Task" t
        JOIN "TaskCompletion" tc ON tc."taskId" = t.id
        JOIN "Completion" c ON c.id = tc."completionId"
        WHERE t."promptId" = p.id AND t.kind = 'ranking'
          AND (c."artifactId" = ANY(${artifactIds}::uuid[]) OR (c.source = 'endpoint' AND c."sourceName" = ANY(${models}::text[])))
      )
    ORDER BY p."createdAt", p.id
    LIMIT ${limit}`;
}
