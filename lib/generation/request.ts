// What an answer-generation job is asked to do: which model(s) write the answers, how many per
// task, how they are sampled, and for how many prompts. One schema for the API, the form and the
// worker. The endpoint's API key is split off into the run's encrypted secrets (`toRunConfig`):
// the stored config never holds it.
import { z } from "zod";

const uuid = z.guid({ error: "must be a checkpoint id" });

const endpointFields = {
  kind: z.literal("openai"),
  baseUrl: z
    .string()
    .url("must be a URL such as http://127.0.0.1:8000/v1")
    .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")
    .describe("The endpoint's base URL; requests go to {baseUrl}/chat/completions."),
  model: z.string().trim().min(1, "must name the endpoint's model").max(200).describe("The model name the endpoint serves."),
  requestsPerMinute: z.number().int().min(1).max(100_000).default(60).describe("Requests started per minute at most."),
  concurrency: z.number().int().min(1).max(64).default(4).describe("Requests in flight at most."),
  stream: z
    .boolean()
    .default(false)
    .describe(
      "Ask for streamed answers (stream: true, server-sent events): the answer arrives as it is written, and the per-request timeout applies until the stream starts.",
    ),
};

/** Where the answers come from. */
const generateSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("promoted") }).describe("The project's promoted policy."),
  z
    .object({ kind: z.literal("artifacts"), artifactIds: z.array(uuid).min(1, "must name at least one checkpoint").max(9, "may name at most 9 checkpoints") })
    .describe("These checkpoints; the K answers of a task are shared out among them in turn."),
  z.object({ ...endpointFields, apiKey: z.string().max(1000).default("").describe("Sent as Authorization: Bearer; stored encrypted, never shown.") }),
]);

/** The same, as stored in the run's config: the endpoint without its key. */
const storedSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("promoted") }),
  z.object({ kind: z.literal("artifacts"), artifactIds: z.array(uuid).min(1).max(9) }),
  z.object(endpointFields),
]);

/** Sampling settings; a field left out takes the run's hyperparameter (lib/runs/kinds.ts `generate`). */
const samplingSchema = z.object({
  temperature: z.number().min(0).max(2).optional().describe("Sampling temperature (0: greedy)."),
  topP: z.number().min(0.01).max(1).optional().describe("Nucleus sampling mass."),
  topK: z.number().int().min(0).max(100_000).optional().describe("Keep only the k most likely tokens (0: all)."),
  maxNewTokens: z.number().int().min(1).max(4096).optional().describe("Longest answer, in tokens."),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional()
    .describe("Random seed."),
});

/**
 * A generate run's `request` (newRunSchema's `request` for kind "generate"). createRun moves the
 * endpoint's apiKey into the run's encrypted secrets before the rest is stored in config.request.
 */
export const generateRequestSchema = z.object({
  source: generateSource.default({ kind: "promoted" }),
  /** Answers per task; default: the project's answersPerTask. */
  k: z.number().int().min(2, "must be at least 2").max(9, "must be at most 9").optional(),
  sampling: samplingSchema.default({}),
  maxPrompts: z.number().int().min(1).max(100_000).optional().describe("Prompts to generate answers for, oldest first."),
});

/** A generate run's stored config: the flat hyperparameters of lib/runs/kinds.ts and the request (no key). */
const storedRunConfig = z.object({
  maxPrompts: z.number().int().min(1).max(100_000).default(100),
  maxNewTokens: z.number().int().min(1).max(4096).default(64),
  temperature: z.number().min(0).max(2).default(0.9),
  topP: z.number().min(0.01).max(1).default(0.95),
  topK: z.number().int().min(0).max(100_000).default(0),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1337),
  request: z
    .object({
      source: storedSource.default({ kind: "promoted" }),
      k: z.number().int().min(2).max(9).optional(),
      sampling: samplingSchema.default({}),
      maxPrompts: z.number().int().min(1).max(100_000).optional(),
    })
    .default({ source: { kind: "promoted" }, sampling: {} }),
});

export type GenerateJob = {
  source: z.infer<typeof storedSource>;
  k?: number;
  maxPrompts: number;
  sampling: { temperature: number; topP: number; topK: number; maxNewTokens: number; seed: number };
};

/** What runGenerate does, from the run's stored config: the request's settings over the run's hyperparameters. */
export function resolveGenerateJob(config: unknown): GenerateJob {
  const c = storedRunConfig.parse(config ?? {});
  const s = c.request.sampling;
  return {
    source: c.request.source,
    k: c.request.k,
    maxPrompts: c.request.maxPrompts ?? c.maxPrompts,
    sampling: {
      temperature: s.temperature ?? c.temperature,
      topP: s.topP ?? c.topP,
      topK: s.topK ?? c.topK,
      maxNewTokens: s.maxNewTokens ?? c.maxNewTokens,
      seed: s.seed ?? c.seed,
    },
  };
}
