// The run kinds, as one declarative table: what each kind produces, which checkpoints it may start
// from, which dataset it reads, and its hyperparameters: a field table (the trainer's own, from
// ml/, filtered to what the browser shows, plus the app's fields such as contextLength) with the
// zod schema it makes, and InstructGPT-derived defaults scaled to the model size as overrides of
// the table's. The new-run form renders from the table; createRun validates with the schema; the
// worker's handlers read the parsed config (RunConfig). Adding a kind is a row here plus a handler in lib/worker/handlers.ts.
import { z } from "zod";
import {
  atLeast,
  atMost,
  defaultsOf,
  DPO_FIELDS,
  PPO_FIELDS,
  REWARD_FIELDS,
  TRAIN_FIELDS,
  type ConfigOf,
  type FieldSpec,
  type FieldTable,
} from "../../ml/browser";
import { shown, zodObject } from "./hparams";

export const RUN_KIND_NAMES = ["pretrain", "sft", "reward_model", "ppo", "dpo", "best_of_n", "generate"] as const;
export type RunKind = (typeof RUN_KIND_NAMES)[number];
/** @public */
export const ARTIFACT_KINDS = ["base", "sft", "reward_model", "ppo", "dpo"] as const;
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
  /** DPO may take a separate frozen reference of these kinds (newRunSchema's `refId`); default: the starting checkpoint. */
  referenceKinds?: ArtifactKind[];
  dataset: DatasetKind;
  /** The hyperparameters (label, range, unit, doc, basic or advanced): KIND_FIELDS[kind]. */
  fields: FieldTable;
  /** The zod schema of `fields`. */
  config: z.ZodObject;
  /** The table's defaults with the size's overrides. */
  defaults(modelSize: ModelSize): Record<string, unknown>;
};

/** App-only fields, written like the trainers' rows. */
const modelSizeField = {
  type: "enum",
  options: MODEL_SIZES,
  default: "small",
  show: "hidden",
  label: "Model size",
  doc: "Model shape when starting from scratch: tiny (tests, seconds), small (minutes on a CPU) or gpt2 (GPT-2 124M: hours on a CPU).",
} as const satisfies FieldSpec;

const pretrainFields = {
  modelSize: modelSizeField,
  contextLength: {
    type: "int",
    default: 256,
    min: atLeast(16),
    max: atMost(2048),
    unit: "tokens",
    show: "basic",
    label: "Context length",
    doc: "Longest sequence the model can ever see (prompt + answer for later SFT, reward model and PPO runs).",
  },
  // pretraining takes whole windows: nothing is cut, so the truncation policy has nothing to say
  ...shown(TRAIN_FIELDS, ["overlong", "maxOverlongShare"]),
} as const satisfies FieldTable;

const sftFields = shown(TRAIN_FIELDS);
const rewardFields = shown(REWARD_FIELDS);
const ppoFields = shown(PPO_FIELDS);
const dpoFields = shown(DPO_FIELDS);

/** Sampling settings of an answer-generation job (the source models come from the request). */
const generateFields = {
  maxPrompts: {
    type: "int",
    default: 200,
    min: atLeast(1),
    max: atMost(100_000),
    unit: "prompts",
    show: "basic",
    label: "Max prompts",
    doc: "Prompts to generate answers for (those that need ranking tasks, oldest first).",
  },
  maxNewTokens: {
    type: "int",
    default: 128,
    min: atLeast(1),
    max: atMost(4096),
    unit: "tokens",
    show: "basic",
    label: "Max new tokens",
    doc: "Longest answer.",
  },
  temperature: {
    type: "number",
    default: 0.9,
    min: atLeast(0),
    max: atMost(2),
    show: "basic",
    label: "Temperature",
    doc: "Sampling temperature (varied answers need around 0.7-1).",
  },
  topP: {
    type: "number",
    default: 0.95,
    min: atLeast(0.01),
    max: atMost(1),
    show: "advanced",
    label: "Top-p",
    doc: "Nucleus sampling: keep the smallest set of tokens with this much probability.",
  },
  topK: {
    type: "int",
    default: 0,
    min: atLeast(0),
    max: atMost(100_000),
    unit: "tokens",
    show: "advanced",
    label: "Top-k",
    doc: "Keep only the k most likely tokens (0: all).",
  },
  seed: TRAIN_FIELDS.seed,
} as const satisfies FieldTable;

/** Best-of-N distillation: sampling and the reward model's pick (the policy and the reward model come from the form). */
const bestOfNFields = {
  n: {
    type: "int",
    default: 16,
    min: atLeast(1),
    max: atMost(256),
    unit: "answers",
    show: "basic",
    label: "N",
    doc: "Answers sampled per prompt; the one the reward model scores highest is kept.",
  },
  maxNewTokens: generateFields.maxNewTokens,
  temperature: { ...generateFields.temperature, default: 1 },
  topP: { ...generateFields.topP, default: 1 },
  seed: TRAIN_FIELDS.seed,
  threads: TRAIN_FIELDS.threads,
} as const satisfies FieldTable;

/** Where the worker runs the engine, on every kind: a string, so not a table row (the form has its own select). */
const device = z
  .string()
  .regex(/^(cpu|cuda(:\d{1,3})?)$/, 'The device must be "cpu", "cuda" (any GPU) or "cuda:N" (GPU number N).')
  .optional()
  .describe("Where the worker runs the engine: cpu, cuda (any GPU) or cuda:N; unset: the worker's default (ML_DEVICE).");

/** A kind's schema: its table's fields and the device. */
const schemaOf = (table: FieldTable) => zodObject(table).extend({ device });

/** Each kind's hyperparameter table: the form, the zod schema and the run page read it. */
/** @public */
export const KIND_FIELDS = {
  pretrain: pretrainFields,
  sft: sftFields,
  reward_model: rewardFields,
  ppo: ppoFields,
  dpo: dpoFields,
  best_of_n: bestOfNFields,
  generate: generateFields,
} satisfies Record<RunKind, FieldTable>;

/** What createRun stores besides the hyperparameters. */
type RunExtras = {
  pretrain: { modelSize: ModelSize };
  sft: object;
  reward_model: object;
  /** The reward model's artifact id (createRun puts it in the config). */
  ppo: { rewardId?: string };
  /** The separate reference's artifact id, when one was chosen (createRun puts it in the config). */
  dpo: { refId?: string };
  /** The reward model's artifact id (createRun puts it in the config). */
  best_of_n: { rewardId?: string };
  /** The generate request, less its secrets (lib/generation/request.ts). */
  generate: { request?: Record<string, unknown> };
};

/** A run's stored config, per kind. */
export type RunConfig<K extends RunKind = RunKind> = K extends RunKind ? ConfigOf<(typeof KIND_FIELDS)[K]> & RunExtras[K] & { device?: string } : never;

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
    fields: pretrainFields,
    config: schemaOf(pretrainFields),
    // contextLength 256: the demo project's longest ranked answer with its prompt is 251 byte tokens
    // (tests/runs/demo-fits.test.ts), so SFT, the reward model and PPO lose no response at Tiny either.
    defaults: (size) => ({
      ...defaultsOf(pretrainFields),
      modelSize: size,
      ...(size === "gpt2" ? { contextLength: 1024, seqLen: 256 } : { seqLen: 128 }),
      ...lmDefaults(size),
      ...(size === "tiny" ? { maxLr: 3e-3, minLr: 3e-4 } : {}),
    }),
  },
  sft: {
    label: "Supervised fine-tuning",
    description: "Fine-tune a base model on the labelers' demonstrations: only the response tokens count in the loss.",
    artifact: "sft",
    baseKinds: ["base", "sft"],
    dataset: "sft",
    fields: sftFields,
    config: schemaOf(sftFields),
    // InstructGPT: 16 epochs, cosine decay, lr 9.65e-6 at 175B; small models take larger rates.
    defaults: (size) => ({
      ...defaultsOf(sftFields),
      ...lmDefaults(size),
      steps: size === "tiny" ? 100 : 1000,
      maxLr: size === "tiny" ? 1e-3 : 1e-4,
      minLr: size === "tiny" ? 1e-4 : 1e-5,
      warmupSteps: size === "tiny" ? 10 : 50,
      valFraction: 0.1,
    }),
  },
  reward_model: {
    label: "Reward model",
    description: "Train a scalar reward head on a copy of the SFT model from the labelers' rankings (all C(K,2) pairs of a ranking in one batch).",
    artifact: "reward_model",
    baseKinds: ["sft", "base"],
    dataset: "rankings",
    fields: rewardFields,
    config: schemaOf(rewardFields),
    // InstructGPT: 1 epoch, lr 9e-6, cosine, batch 64 prompts; scaled up for small models.
    defaults: (size) => ({
      ...defaultsOf(rewardFields),
      batchSize: size === "tiny" ? 4 : size === "gpt2" ? 2 : 8,
      maxLr: size === "tiny" ? 3e-4 : 3e-5,
      minLr: size === "tiny" ? 3e-5 : 3e-6,
      warmupSteps: size === "tiny" ? 2 : 10,
      weightDecay: 0,
      evalEvery: size === "tiny" ? 5 : 25,
      saveEvery: size === "tiny" ? 5 : 50,
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
    fields: ppoFields,
    config: schemaOf(ppoFields),
    // InstructGPT: β 0.02, 4 PPO epochs, clip 0.2, γ 1, λ 0.95; batch sizes scaled to a CPU.
    defaults: (size) => ({
      ...defaultsOf(ppoFields),
      iterations: size === "tiny" ? 10 : 200,
      rolloutBatch: size === "tiny" ? 8 : size === "gpt2" ? 8 : 32,
      miniBatch: size === "tiny" ? 4 : size === "gpt2" ? 2 : 8,
      maxNewTokens: size === "tiny" ? 16 : 64,
      lr: size === "tiny" ? 1e-4 : 1e-5,
      vfCoef: 0.5,
      noEosPenalty: -1,
      saveEvery: size === "tiny" ? 5 : 25,
      threads: size === "tiny" ? 1 : 2,
    }),
  },
  dpo: {
    label: "DPO",
    description:
      "Direct Preference Optimization: tune the SFT policy on the labelers' rankings without a reward model (every strict pair of a ranking in one batch element), with the starting checkpoint (or a chosen one of the same architecture and tokenizer) as the frozen reference.",
    artifact: "dpo",
    baseKinds: ["sft", "dpo"],
    referenceKinds: ["sft", "dpo"],
    dataset: "rankings",
    fields: dpoFields,
    config: schemaOf(dpoFields),
    // TRL: β 0.1, lr 1e-6 at billions of parameters, scaled up for small models.
    defaults: (size) => ({
      ...defaultsOf(dpoFields),
      batchSize: size === "tiny" ? 4 : size === "gpt2" ? 2 : 8,
      maxLr: size === "tiny" ? 1e-3 : 1e-5,
      minLr: size === "tiny" ? 1e-4 : 1e-6,
      warmupSteps: size === "tiny" ? 2 : 10,
      evalEvery: size === "tiny" ? 5 : 25,
      saveEvery: size === "tiny" ? 5 : 50,
      klPrompts: size === "tiny" ? 4 : 16,
      klMaxNewTokens: size === "tiny" ? 16 : 32,
      threads: size === "tiny" ? 1 : 2,
    }),
  },
  best_of_n: {
    label: "Best-of-N distillation",
    description:
      "Sample N answers per prompt from a policy, keep the one the reward model scores highest (InstructGPT's and Llama 2's rejection sampling), and save the kept answers as a new SFT export to fine-tune on.",
    baseKinds: ["sft", "ppo", "dpo"],
    needsRewardModel: true,
    dataset: "ppo",
    fields: bestOfNFields,
    config: schemaOf(bestOfNFields),
    defaults: (size) => ({ ...defaultsOf(bestOfNFields), ...(size === "tiny" ? { n: 4, maxNewTokens: 16, threads: 1 } : {}) }),
  },
  generate: {
    label: "Generate answers",
    description:
      "Sample K answers per prompt from the project's promoted policy (or chosen checkpoints, or an OpenAI-compatible endpoint) and turn them into ranking tasks.",
    baseKinds: null,
    dataset: "none",
    fields: generateFields,
    config: schemaOf(generateFields),
    defaults: (size) => ({ ...defaultsOf(generateFields), ...(size === "tiny" ? { maxPrompts: 20, maxNewTokens: 32 } : {}) }),
  },
};

/** The config a run is queued with: the kind's defaults for the size, overridden by the caller. */
export function resolveRunConfig(kind: RunKind, overrides: Record<string, unknown>, size: ModelSize = "small") {
  return RUN_KINDS[kind].config.parse({ ...RUN_KINDS[kind].defaults(size), ...overrides }) as Record<string, unknown>;
}
