// Labeling submissions (ranking, demonstration, skip): one schema each, used by the API and the UI.
// The schemas check shape only; K comes from the task, so `resolveTiers`/`checkAnswers`
// (lib/ranking/submission.ts) finish the check on the server once the task is loaded.
import { z } from "zod";
import { RATIONALE_MAX } from "../labeling/label-schema";
import { MAX_K } from "../ranking/letters";
import { STRENGTH_IDS } from "../ranking/strength";

/** Client-generated idempotency key: a UUID or 8-64 URL-safe characters (A-Z a-z 0-9 _ -). */
const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "The client id must be a UUID or 8 to 64 URL-safe characters");

const position = z
  .number()
  .int()
  .min(0)
  .max(MAX_K - 1);
/** Milliseconds the labeler spent; capped at one day (longer means a tab left open). */
const timeSpentMs = z.number().int().min(0).max(86_400_000);

/** A flag or rating axis id; which ones a project takes is its label schema's (checked on the server). */
const labelId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "Flag and rating ids are lowercase letters, digits and _");

const answerMetaInput = z.object({
  position,
  /** The "quality" axis (1..7 by default; the project's label schema sets the range). */
  likert: z.number().int().min(0).max(100).optional(),
  flags: z
    .array(labelId)
    .max(30)
    .refine((f) => new Set(f).size === f.length, "A flag is given twice")
    .optional(),
  /** Scores on the project's other rating axes: { axisId: score }. */
  ratings: z.record(labelId, z.number().int().min(0).max(100)).optional(),
});

const tiersInput = z.union([
  z.array(z.array(position).min(1, "A tier cannot be empty")).min(1).max(MAX_K),
  z.string().trim().min(1, "The ranking is empty").max(200),
]);

/** Llama 2's preference strength, for a pairwise (K = 2) task with one answer better. */
const strengthInput = z.enum(STRENGTH_IDS);

export const rankingSubmission = z.object({
  clientId,
  taskId: z.uuid(),
  tiers: tiersInput,
  strength: strengthInput.optional(),
  /** Why the labeler ranked so, when the project's label schema takes a rationale. */
  rationale: z.string().max(RATIONALE_MAX, `A rationale is at most ${RATIONALE_MAX} characters`).optional(),
  answers: z
    .array(answerMetaInput)
    .max(MAX_K)
    .refine((a) => new Set(a.map((x) => x.position)).size === a.length, "An answer's details are given twice")
    .default([]),
  timeSpentMs,
});
export type RankingSubmission = z.infer<typeof rankingSubmission>;

export const demonstrationSubmission = z.object({
  clientId,
  taskId: z.uuid(),
  /** Trimmed; the project's min/max length is checked by the server, which knows the project. */
  text: z.string().trim().min(1, "Write a demonstration first").max(100_000),
  timeSpentMs,
});
export type DemonstrationSubmission = z.infer<typeof demonstrationSubmission>;

export const skipSubmission = z.object({
  taskId: z.uuid(),
  reason: z.string().trim().min(1, "Say why you are skipping").max(500),
  /** True for "cannot rank / report": the task itself is broken. */
  report: z.boolean().default(false),
});
export type SkipSubmission = z.infer<typeof skipSubmission>;

/**
 * An edit of a submitted ranking. `answers` lists the answers whose details (Likert score, flags)
 * change, each replaced whole; an answer not listed keeps its details, so an edit of the order
 * alone never erases them.
 */
export const rankingEdit = z.object({
  tiers: tiersInput,
  strength: strengthInput.optional(),
  /** Replaces the rationale when given ("" removes it); kept when left out. */
  rationale: z.string().max(RATIONALE_MAX, `A rationale is at most ${RATIONALE_MAX} characters`).optional(),
  answers: z
    .array(answerMetaInput)
    .max(MAX_K)
    .refine((a) => new Set(a.map((x) => x.position)).size === a.length, "An answer's details are given twice")
    .optional(),
});

export const demonstrationEdit = z.object({
  text: z.string().trim().min(1, "Write a demonstration first").max(100_000),
});
