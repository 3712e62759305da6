// The run kinds, as one declarative table: what each kind produces, which checkpoints it may start
// from, which dataset it reads, its hyperparameters (a zod object whose every field carries a
// description and its range) and InstructGPT-derived defaults scaled to the model size. The
// new-run form renders from this table; createRun validates with it; the worker's handlers read
// the parsed config. Adding a kind is a row here plus a handler in lib/worker/handlers.ts.
import { z } from "zod";

export const RUN_KIND_NAMES = ["pretrain", "sft", "reward_model", "ppo", "generate"] as const;
export type RunKind = (typeof RUN_KIND_NAMES)[number];
export const ARTIFACT_KINDS = ["base", "sft", "reward_model", "ppo"] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];
/** Model presets (ml/model/config.ts PRESETS) a run can be sized for; gpt2 is the 124M GPT-2 shape. */
export const MODEL_SIZES = ["tiny", "small", "gpt2"] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];
/** What a run reads: an export of this layout (text = pretraining text built from the project). */
export type DatasetKind = "text" | "sft" | "rankings" | "ppo" | "none";

/** Export kinds (lib/validation/export.ts) each dataset kind reads; the first is what "the project's labels now" makes. */
export const DATASET_EXPORT_KINDS: Record<DatasetKind, readonly ("sft" | "rm" | "rankings" | "ppo")[]> = {
  text: ["sft", "ppo"],
  sft: ["sft"],
  rankings: ["rankings", "rm"],
  ppo: ["ppo"],
  none: [],
};

export type RunKindInfo = {
  label: string;
  description: string;
  /** The artifact kind a successful run registers. */
  artifact?: ArtifactKind;
  /** Artifact kinds the run may start from; null: it starts from scratch and takes no base. */
  baseKinds: ArtifactKind[] | null;
  /** PPO also needs a reward model (newRunSchema's `rewardId`). */
  needsRewardModel?: boolean;
  dataset: DatasetKind;
  config: z.ZodObject;
  defaults(modelSize: ModelSize): Record<string, unknown>;
};

const int = (min: number, max: number, text: string) => z.number().int().min(min).max(max).describe(text);
const num = (min: number, max: number, text: string) => z.number().min(min).max(max).describe(text);

/** Shared by every training kind. */
const common = {
  seed: int(0, 2 ** 31 - 1, "Random seed: initialisation, data order and sampling."),
  threads: int(1, 64, "Intra-op threads of the onnxruntime session on the worker."),
  device: z
    .string()
    .regex(/^(cpu|cuda(:\d{1,3})?)$/, 'The device must be "cpu", "cuda" (any GPU) or "cuda:N" (GPU number N).')
    .optional()
    .describe("Where the worker runs the engine: cpu, cuda (any GPU) or cuda:N; unset: the worker's default (ML_DEVICE)."),
};

/** The truncation policy's settings (ml/train/truncate.ts), shared by SFT and the reward model. */
const fitFields = (overlong: string) => ({
  overlong: z
    .enum(["truncate", "skip"])
    .describe(`A response too long for the sequence length even with the prompt cut to its markers: cut at its end (truncate) or left out (skip). ${overlong}`),
  maxOverlongShare: num(0, 1, "Refuse to start when more than this share of the examples would lose response tokens (cut or skipped)."),
});

/** trainLM's optimisation fields, shared by pretraining and SFT. */
const lmFields = {
  steps: int(1, 1_000_000, "Optimizer steps to train for."),
  batchSize: int(1, 512, "Sequences per micro-batch."),
  gradAccum: int(1, 64, "Micro-batches accumulated per optimizer step."),
  maxLr: num(1e-7, 0.1, "Peak learning rate, reached after the warmup (then cosine decay)."),
  minLr: num(0, 0.1, "Learning rate at the end of the cosine decay."),
  warmupSteps: int(0, 100_000, "Steps of linear warmup from 0 to the peak learning rate."),
  weightDecay: num(0, 1, "AdamW weight decay on matrices and embeddings."),
  maxGradNorm: num(0, 100, "Clip the gradient's global norm to this (0: no clipping)."),
  valFraction: num(0, 0.5, "Share of the data held out for validation when the dataset has no validation split."),
  evalEvery: int(0, 100_000, "Steps between validation losses (0: only at the end)."),
  saveEvery: int(0, 100_000, "Steps between checkpoints (0: only at the end). Resume starts from the last one."),
  patience: int(0, 1000, "Stop after this many validations without improvement (0: never stop early)."),
  ...common,
};

const pretrainConfig = z.object({
  modelSize: z.enum(MODEL_SIZES).describe("Model shape when starting from scratch: tiny (tests, seconds), small (minutes on a CPU) or gpt2 (GPT-2 124M: hours on a CPU)."),
  contextLength: int(16, 2048, "Longest sequence the model can ever see, in tokens (prompt + answer for later SFT, reward model and PPO runs)."),
  seqLen: int(8, 4096, "Tokens per training window (at most contextLength)."),
  ...lmFields,
});

const sftConfig = z.object({
  seqLen: int(0, 4096, "Longest example in tokens (prompt + response; 0: the model's context). Prompts are cut from the left first; rows are only as long as the longest example."),
  ...fitFields("Default truncate: the start of an answer still teaches."),
  ...lmFields,
});

const rewardConfig = z.object({
  epochs: int(1, 100, "Passes over the rankings (InstructGPT: 1; more overfits)."),
  batchSize: int(1, 256, "Rankings (all their C(K,2) pairs together) per step."),
  seqLen: int(0, 4096, "Longest prompt + response in tokens (0: the model's context); longer prompts are cut from the left, the answers of one prompt alike."),
  ...fitFields("Default skip: a cut answer is not the answer the labelers ranked."),
  maxLr: num(1e-7, 0.1, "Peak learning rate (cosine decay after the warmup)."),
  minLr: num(0, 0.1, "Learning rate at the end of the cosine decay."),
  warmupSteps: int(0, 100_000, "Steps of linear warmup."),
  weightDecay: num(0, 1, "AdamW weight decay."),
  maxGradNorm: num(0, 100, "Clip the gradient's global norm to this (0: no clipping)."),
  valFraction: num(0, 0.5, "Share of rankings held out when the dataset has no validation split."),
  margin: z.boolean().describe("Use the tier distance as a margin in the pairwise loss."),
  centerCoef: num(0, 1, "Weight of the penalty that keeps rewards centred on 0 (0: off)."),
  includeTies: z.boolean().describe("Train on tied pairs too (pulled towards equal reward)."),
  evalEvery: int(0, 100_000, "Steps between validation metrics (0: only at the end)."),
  saveEvery: int(0, 100_000, "Steps between checkpoints (0: only at the end). Resume starts from the last one."),
  ...common,
});

const ppoConfig = z.object({
  iterations: int(1, 100_000, "PPO iterations (each: a batch of rollouts, then ppoEpochs of updates)."),
  rolloutBatch: int(1, 1024, "Prompts sampled per iteration."),
  miniBatch: int(1, 1024, "Rollouts per gradient step (at most rolloutBatch)."),
  ppoEpochs: int(1, 32, "Passes over each rollout batch (InstructGPT: 4)."),
  maxNewTokens: int(1, 2048, "Longest response sampled during rollouts."),
  temperature: num(0.05, 2, "Sampling temperature during rollouts (1: the policy itself)."),
  lr: num(1e-8, 0.01, "Policy learning rate."),
  beta: num(0, 1, "KL penalty coefficient β against the SFT reference (InstructGPT: 0.02)."),
  klTarget: z.number().min(0).max(100).optional().describe("Adaptive KL: target KL in nats per response (left out or 0: fixed β)."),
  gamma: num(0, 1, "Discount (1: none, as in InstructGPT)."),
  lam: num(0, 1, "GAE λ (0.95)."),
  clipEps: num(0.01, 1, "PPO ratio clip ε (0.2)."),
  valueClip: num(0, 10, "Value-function clip around the old values (0.2)."),
  vfCoef: num(0, 10, "Weight of the value loss."),
  noEosPenalty: num(-10, 0, "Added to the score of a response that ended without an end-of-sequence token."),
  valueInit: z.enum(["reward", "policy"]).describe("Initialise the value model from the reward model (InstructGPT) or from the policy."),
  ptxCoef: num(0, 100, "Weight of the pretraining loss mixed into PPO (InstructGPT's PPO-ptx: 27.8; 0: off)."),
  saveEvery: int(0, 100_000, "Iterations between checkpoints (0: only at the end)."),
  ...common,
});

/** Sampling settings of an answer-generation job (the source models come from the request). */
const generateConfig = z.object({
  maxPrompts: int(1, 100_000, "Prompts to generate answers for (those that need ranking tasks, oldest first)."),
  maxNewTokens: int(1, 4096, "Longest answer, in tokens."),
  temperature: num(0, 2, "Sampling temperature (varied answers need around 0.7-1)."),
  topP: num(0.01, 1, "Nucleus sampling: keep the smallest set of tokens with this much probability."),
  topK: int(0, 100_000, "Keep only the k most likely tokens (0: all)."),
  seed: common.seed,
  device: common.device,
});

const lmDefaults = (size: ModelSize) =>
  size === "tiny"
    ? { steps: 200, batchSize: 8, gradAccum: 1, warmupSteps: 20, evalEvery: 50, saveEvery: 50, threads: 1 }
    : { steps: 2000, batchSize: size === "gpt2" ? 4 : 8, gradAccum: 1, warmupSteps: 100, evalEvery: 100, saveEvery: 250, threads: 2 };

export const RUN_KINDS: Record<RunKind, RunKindInfo> = {
  pretrain: {
    label: "Pretrain",
    description: "Train a base language model from scratch on text built from the project's prompts and demonstrations plus a small built-in corpus.",
    artifact: "base",
    baseKinds: null,
    dataset: "text",
    config: pretrainConfig,
    // contextLength 256: the demo project's longest ranked answer with its prompt is 251 byte tokens
    // (tests/runs/demo-fits.test.ts), so SFT, the reward model and PPO lose no response at Tiny either.
    defaults: (size) => ({
      modelSize: size,
      contextLength: size === "gpt2" ? 1024 : 256,
      seqLen: size === "gpt2" ? 256 : 128,
      ...lmDefaults(size),
      maxLr: size === "tiny" ? 3e-3 : 6e-4,
      minLr: size === "tiny" ? 3e-4 : 6e-5,
      weightDecay: 0.1,
      maxGradNorm: 1,
      valFraction: 0.05,
      patience: 0,
      seed: 1337,
    }),
  },
  sft: {
    label: "Supervised fine-tuning",
    description: "Fine-tune a base model on the labelers' demonstrations: only the response tokens count in the loss.",
    artifact: "sft",
    baseKinds: ["base", "sft"],
    dataset: "sft",
    config: sftConfig,
    // InstructGPT: 16 epochs, cosine decay, lr 9.65e-6 at 175B; small models take larger rates.
    defaults: (size) => ({
      ...lmDefaults(size),
      seqLen: 0,
      overlong: "truncate",
      maxOverlongShare: 0.25,
      steps: size === "tiny" ? 100 : 1000,
      maxLr: size === "tiny" ? 1e-3 : 1e-4,
      minLr: size === "tiny" ? 1e-4 : 1e-5,
      warmupSteps: size === "tiny" ? 10 : 50,
      weightDecay: 0.1,
      maxGradNorm: 1,
      valFraction: 0.1,
      patience: 0,
      seed: 1337,
    }),
  },
  reward_model: {
    label: "Reward model",
    description: "Train a scalar reward head on a copy of the SFT model from the labelers' rankings (all C(K,2) pairs of a ranking in one batch).",
    artifact: "reward_model",
    baseKinds: ["sft", "base"],
    dataset: "rankings",
    config: rewardConfig,
    // InstructGPT: 1 epoch, lr 9e-6, cosine, batch 64 prompts; scaled up for small models.
    defaults: (size) => ({
      epochs: 1,
      batchSize: size === "tiny" ? 4 : size === "gpt2" ? 2 : 8,
      seqLen: 0,
      overlong: "skip",
      maxOverlongShare: 0.25,
      maxLr: size === "tiny" ? 3e-4 : 3e-5,
      minLr: size === "tiny" ? 3e-5 : 3e-6,
      warmupSteps: size === "tiny" ? 2 : 10,
      weightDecay: 0,
      maxGradNorm: 1,
      valFraction: 0.1,
      margin: false,
      centerCoef: 0,
      includeTies: false,
      evalEvery: size === "tiny" ? 5 : 25,
      saveEvery: size === "tiny" ? 5 : 50,
      seed: 1337,
      threads: size === "tiny" ? 1 : 2,
    }),
  },
  ppo: {
    label: "PPO",
    description: "Optimise the SFT policy against the reward model with PPO and a KL penalty to the SFT reference (InstructGPT's step 3).",
    artifact: "ppo",
    baseKinds: ["sft", "ppo"],
    needsRewardModel: true,
    dataset: "ppo",
    config: ppoConfig,
    // InstructGPT: β 0.02, 4 PPO epochs, clip 0.2, γ 1, λ 0.95; batch sizes scaled to a CPU.
    defaults: (size) => ({
      iterations: size === "tiny" ? 10 : 200,
      rolloutBatch: size === "tiny" ? 8 : size === "gpt2" ? 8 : 32,
      miniBatch: size === "tiny" ? 4 : size === "gpt2" ? 2 : 8,
      ppoEpochs: 4,
      maxNewTokens: size === "tiny" ? 16 : 64,
      temperature: 1,
      lr: size === "tiny" ? 1e-4 : 1e-5,
      beta: 0.02,
      gamma: 1,
      lam: 0.95,
      clipEps: 0.2,
      valueClip: 0.2,
      vfCoef: 0.5,
      noEosPenalty: -1,
      valueInit: "reward",
      ptxCoef: 0,
      saveEvery: size === "tiny" ? 5 : 25,
      seed: 1337,
      threads: size === "tiny" ? 1 : 2,
    }),
  },
  generate: {
    label: "Generate answers",
    description: "Sample K answers per prompt from the project's promoted policy (or chosen checkpoints, or an OpenAI-compatible endpoint) and turn them into ranking tasks.",
    baseKinds: null,
    dataset: "none",
    config: generateConfig,
    defaults: (size) => ({ maxPrompts: size === "tiny" ? 20 : 200, maxNewTokens: size === "tiny" ? 32 : 128, temperature: 0.9, topP: 0.95, topK: 0, seed: 1337 }),
  },
};

/** The config a run is queued with: the kind's defaults for the size, overridden by the caller. */
export function resolveRunConfig(kind: RunKind, overrides: Record<string, unknown>, size: ModelSize = "small") {
  return RUN_KINDS[kind].config.parse({ ...RUN_KINDS[kind].defaults(size), ...overrides }) as Record<string, unknown>;
}
