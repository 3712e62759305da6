// What the inference server and the playground accept: one set of schemas for the server, its
// client, the Next route and the playground form.
import { z } from "zod";

/** The header that carries the shared secret from the web server to the inference server. */
export const SECRET_HEADER = "x-inference-secret";

const uuid = z.guid({ error: "must be a checkpoint id" });

const chatMessages = z
  .array(
    z.object({
      role: z.enum(["system", "user", "assistant"], { error: 'must be "system", "user" or "assistant"' }),
      content: z.string().max(20_000, "must be at most 20,000 characters"),
    }),
  )
  .min(1, "must hold at least one message")
  .max(100, "must hold at most 100 messages")
  .refine((m) => m[m.length - 1]?.role === "user", "must end with a user message");

const playgroundSampling = z.object({
  temperature: z.number().min(0).max(2).default(0.8).describe("Softmax temperature (0: greedy)."),
  topP: z.number().min(0.01).max(1).default(0.95).describe("Nucleus sampling: smallest set of tokens with this much probability."),
  topK: z.number().int().min(0).max(100_000).default(0).describe("Only the k most likely tokens (0: all)."),
  maxNewTokens: z.number().int().min(1).max(1024).default(64).describe("Longest answer, in tokens."),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0)
    .describe("Random seed: the same seed and settings give the same answer."),
});

/** POST /generate on the inference server. */
export const generateBody = z.object({
  artifactId: uuid,
  messages: chatMessages,
  sampling: playgroundSampling.default(playgroundSampling.parse({})),
  n: z.number().int().min(1).max(8).default(1),
});
export type GenerateBody = z.input<typeof generateBody>;
export type GenerateReply = { answers: { text: string; tokens: number; finished: boolean }[]; ms: number };

/** POST /score on the inference server. */
export const scoreBody = z.object({
  artifactId: uuid,
  messages: chatMessages,
  responses: z.array(z.string().max(100_000)).min(1).max(32),
});
export type ScoreBody = z.input<typeof scoreBody>;
export type ScoreReply = { scores: number[]; ms: number };

/** POST /api/playground: one answer from a policy checkpoint, scored by a reward model when one is chosen. */
export const playgroundRequest = z.object({
  artifactId: uuid,
  messages: chatMessages,
  sampling: playgroundSampling.default(playgroundSampling.parse({})),
  rewardModelId: uuid.nullish(),
});
export type PlaygroundRequest = z.input<typeof playgroundRequest>;
export type PlaygroundReply = { text: string; tokens: number; finished: boolean; ms: number; score: number | null };
