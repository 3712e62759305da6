// Creating prompts and the tasks they need. Used by imports, the demo seed and answer generation.
import "server-only";
import type { Tx } from "../db";
import type { Split } from "../generated/prisma/client";
import { contentHashOf, type Message } from "../imports/records";

type ProjectCounts = { id: string; demonstrationsPerPrompt: number; rankingsPerTask: number };

export type NewPrompt = {
  messages: Message[];
  format: "text" | "chat";
  externalId?: string;
  split?: Split;
  source?: string;
  metadata?: Record<string, unknown>;
};

/**
 * Inserts a prompt and its demonstration task. Returns null when the project already has a
 * prompt with the same content (duplicates are skipped, not errors).
 */
export async function addPrompt(tx: Tx, project: ProjectCounts, p: NewPrompt) {
  const contentHash = contentHashOf(p.messages);
  const existing = await tx.prompt.findUnique({
    where: { projectId_contentHash: { projectId: project.id, contentHash } },
    select: { id: true },
  });
  if (existing) return { id: existing.id, created: false };
  const prompt = await tx.prompt.create({
    data: {
      projectId: project.id,
      messages: p.messages,
      format: p.format,
      externalId: p.externalId,
      split: p.split ?? "train",
      source: p.source ?? "",
      metadata: (p.metadata ?? {}) as object,
      contentHash,
    },
    select: { id: true },
  });
  if (project.demonstrationsPerPrompt > 0 && p.messages.at(-1)?.role !== "assistant") {
    await tx.task.create({
      data: { projectId: project.id, promptId: prompt.id, kind: "demonstration", wanted: project.demonstrationsPerPrompt },
    });
  }
  return { id: prompt.id, created: true };
}

export type NewAnswer = {
  text: string;
  source: "model" | "import" | "endpoint" | "human";
  sourceName?: string;
  artifactId?: string;
};

/** Inserts K completions for a prompt and the ranking task that shows them in this order. */
export async function addRankingTask(tx: Tx, project: ProjectCounts, promptId: string, answers: NewAnswer[]) {
  const task = await tx.task.create({
    data: { projectId: project.id, promptId, kind: "ranking", wanted: project.rankingsPerTask },
    select: { id: true },
  });
  for (const [position, a] of answers.entries()) {
    const completion = await tx.completion.create({
      data: { promptId, text: a.text, source: a.source, sourceName: a.sourceName ?? "", artifactId: a.artifactId },
      select: { id: true },
    });
    await tx.taskCompletion.create({ data: { taskId: task.id, position, completionId: completion.id } });
  }
  return task;
}
