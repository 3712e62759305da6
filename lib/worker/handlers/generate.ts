// The `generate` run kind's handler: for the project's prompts with no ranking task yet from these writers, sample K answers
// (from the promoted policy, from chosen checkpoints in turn, or from an OpenAI-compatible
// endpoint), shuffle them with the run's seed, and create ranking tasks that the queue hands out
// like any other (duplicates skipped by answerSetHash, as for imports). Runs in a worker process;
// the sampling itself runs in a worker thread there.
import "server-only";
import { db } from "../../db";
import type { RunContext } from "../context";
import { GenerationError, prng } from "../../../ml/index";
import { openSources, type AnswerSource } from "../../generation/sources";
import { resolveGenerateJob } from "../../generation/request";
import { addGeneratedRankingTask, promptsNeedingRanking, type GeneratedAnswer } from "../../generation/tasks";

/** The part of the worker's RunContext this handler uses (tests build just this). */
export type GenerateContext = Pick<RunContext, "signal" | "progress" | "metrics" | "log"> & {
  /** The config as stored: resolveGenerateJob parses it (its request and sampling) with its own schema. */
  run: Pick<RunContext<"generate">["run"], "id" | "projectId" | "secrets"> & { config: unknown; device?: string };
};

export type GenerateSummary = { prompts: number; tasks: number; duplicates: number; skipped: number; canceled: boolean };

/** How many of the K answers each source writes: answer j comes from source j mod n. */
export function shareOut(k: number, sources: number): number[] {
  return Array.from({ length: sources }, (_, s) => Math.floor(k / sources) + (s < k % sources ? 1 : 0));
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!]; // 0 <= j <= i < out.length
  }
  return out;
}

/** The run kind's handler (../handlers.ts). */
export const generateHandler = async (ctx: RunContext<"generate">): Promise<void> => {
  await runGenerate(ctx);
};

export async function runGenerate(ctx: GenerateContext): Promise<GenerateSummary> {
  const job = resolveGenerateJob(ctx.run.config);
  if (!ctx.run.projectId) throw new Error("An answer-generation run needs a project.");
  const project = await db.project.findUnique({
    where: { id: ctx.run.projectId },
    select: { id: true, name: true, answersPerTask: true, rankingsPerTask: true, generatorId: true },
  });
  if (!project) throw new Error("The run's project no longer exists.");
  const k = job.k ?? project.answersPerTask;
  const summary: GenerateSummary = { prompts: 0, tasks: 0, duplicates: 0, skipped: 0, canceled: false };

  const sources = await openSources(db, project, job.source, ctx.run.secrets, 2, ctx.run.device ?? "cpu");
  try {
    const prompts = await promptsNeedingRanking(
      db,
      project.id,
      job.maxPrompts,
      sources.map((s) => s.writer),
    );
    const counts = shareOut(k, sources.length);
    ctx.log(
      `${prompts.length} prompt(s) need answers from these writers in "${project.name}"; ${k} answers each from ${sources.map((s) => s.label).join(", ")}.`,
    );
    const rand = prng(job.sampling.seed);
    const t0 = Date.now();
    for (const [i, prompt] of prompts.entries()) {
      if (ctx.signal.aborted) {
        summary.canceled = true;
        ctx.log(`Canceled after ${i} of ${prompts.length} prompts.`);
        break;
      }
      const answers = await answersFor(sources, counts, prompt.messages, { ...job.sampling, seed: (job.sampling.seed + i * 7919) % 2 ** 31 }, ctx, i);
      summary.prompts++;
      if (!answers) summary.skipped++;
      else if (
        await addGeneratedRankingTask(
          db,
          project,
          prompt,
          shuffle(answers, rand).map((a) => ({ ...a, metadata: { ...a.metadata, runId: ctx.run.id } })),
        )
      )
        summary.tasks++;
      else summary.duplicates++;
      const done = i + 1;
      const perPrompt = (Date.now() - t0) / 1000 / done;
      ctx.progress(done / prompts.length, perPrompt * (prompts.length - done));
      ctx.metrics(done, { tasks_created: summary.tasks, duplicates: summary.duplicates, skipped: summary.skipped, sec_per_prompt: perPrompt });
    }
    if (prompts.length === 0) ctx.progress(1, 0);
    ctx.log(`Created ${summary.tasks} ranking task(s); ${summary.duplicates} duplicate(s) skipped; ${summary.skipped} prompt(s) too long for the model.`);
    return summary;
  } finally {
    await Promise.all(sources.map((s) => s.dispose()));
  }
}

/** The K answers to one prompt, or null when the prompt does not fit a model (logged, skipped). */
async function answersFor(
  sources: AnswerSource[],
  counts: number[],
  messages: GeneratedAnswerMessages,
  sampling: Parameters<AnswerSource["answer"]>[2],
  ctx: GenerateContext,
  index: number,
): Promise<GeneratedAnswer[] | null> {
  const parts: GeneratedAnswer[][] = [];
  for (const [s, source] of sources.entries()) {
    const count = counts[s] ?? 0; // one count per source
    if (count === 0) continue;
    try {
      parts.push(await source.answer(messages, count, sampling, ctx.signal));
    } catch (e) {
      if (!(e instanceof GenerationError) && (e as { name?: string } | null)?.name !== "GenerationError") throw e;
      ctx.log(`Prompt ${index + 1} skipped (${source.label}): ${(e as Error).message}`);
      return null;
    }
  }
  return parts.flat();
}

type GeneratedAnswerMessages = Parameters<AnswerSource["answer"]>[0];
