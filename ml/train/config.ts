// Trainer settings: one table of documented hyperparameters (TRAIN_FIELDS) plus the files and
// folders it reads; defaults overridden by a config file and then by the caller.

import { ConfigError, PRESETS, type GPTConfig, type PresetName } from '../model/config';
import { resolveSampleSpec, SAMPLE_DEFAULTS, type SampleSpec } from '../generate/sample-spec';
import { isDeviceName } from '../runtime/device-name';
import {
  atLeast,
  atMost,
  below,
  checkFields,
  cosineAdamWFields,
  defaultsOf,
  MAX_OVERLONG_SHARE,
  OVERLONG,
  RESUME,
  SEED,
  THREADS,
  WORKER,
  type ConfigOf,
  type FieldTable,
} from '../hparams';

/** The trainer's hyperparameters, one row each (ml/hparams.ts derives the type, defaults and checks). */
export const TRAIN_FIELDS = {
  /** 'pretrain': every token counts; 'sft': only response tokens of chat examples count. */
  mode: {
    type: 'enum',
    options: ['pretrain', 'sft'],
    default: 'pretrain',
    show: 'hidden',
    label: 'Mode',
    doc: 'pretrain: every token counts; sft: only the response tokens of chat examples count.',
  },
  seqLen: {
    type: 'int',
    default: 0,
    min: atLeast(0),
    max: atMost(4096),
    unit: 'tokens',
    show: 'basic',
    label: 'Sequence length',
    doc: "Tokens per sequence (0: the model's context). Pretraining reads windows of this length; SFT fits each example into it, cutting the prompt from the left first, and rows are only as long as the longest example.",
  },
  // SFT: a response that does not fit beside the minimal prompt is cut at its END ('truncate': its
  // first tokens still teach how to answer, and SFT's loss is per token) or left out ('skip').
  overlong: OVERLONG('truncate', 'Default truncate: the start of an answer still teaches.'),
  maxOverlongShare: MAX_OVERLONG_SHARE,
  steps: {
    type: 'int',
    default: 1000,
    min: atLeast(1),
    max: atMost(1_000_000),
    unit: 'steps',
    show: 'basic',
    label: 'Steps',
    doc: 'Optimizer steps to train for.',
  },
  batchSize: {
    type: 'int',
    default: 8,
    min: atLeast(1),
    max: atMost(512),
    unit: 'sequences',
    show: 'basic',
    label: 'Batch size',
    doc: 'Sequences per micro-batch.',
  },
  gradAccum: {
    type: 'int',
    default: 1,
    min: atLeast(1),
    max: atMost(64),
    unit: 'micro-batches',
    show: 'advanced',
    label: 'Gradient accumulation',
    doc: 'Micro-batches accumulated per optimizer step.',
  },
  // One model chains these steps, which pays once per run for copying the updated state between
  // host and device (a step about 15% faster on the CPU in bench:ml; on a GPU the host↔device copy
  // of the whole state is a larger share of a run); needs memory for one more copy of the weights.
  stepsPerRun: {
    type: 'int',
    default: 0,
    min: atLeast(0),
    max: atMost(64),
    unit: 'steps',
    show: 'hidden',
    label: 'Steps per engine run',
    doc: 'Optimizer steps chained in one engine run, with gradient accumulation 1 (0: stepsPerRunFor: 8 on CUDA; on the CPU 8 below 5M parameters, 4 below 20M, 1 from there).',
  },
  ...cosineAdamWFields({
    maxLr: 6e-4,
    minLr: 6e-5,
    warmupSteps: 100,
    weightDecay: 0.1,
    maxLrDoc: 'Peak learning rate, reached after the warmup (then cosine decay).',
  }),
  beta1: {
    type: 'number',
    default: 0.9,
    min: atLeast(0),
    max: below(1),
    show: 'hidden',
    label: 'Adam β1',
    doc: "AdamW's first-moment decay.",
  },
  beta2: {
    type: 'number',
    default: 0.95,
    min: atLeast(0),
    max: below(1),
    show: 'hidden',
    label: 'Adam β2',
    doc: "AdamW's second-moment decay.",
  },
  valFraction: {
    type: 'number',
    default: 0.05,
    min: atLeast(0),
    max: below(1),
    show: 'advanced',
    label: 'Validation fraction',
    doc: 'Share of the data held out for validation when the dataset has no validation split.',
  },
  evalEvery: {
    type: 'int',
    default: 100,
    min: atLeast(0),
    max: atMost(100_000),
    unit: 'steps',
    show: 'basic',
    label: 'Eval every',
    doc: 'Steps between validation losses (0: only at the end).',
  },
  evalBatches: {
    type: 'int',
    default: 8,
    min: atLeast(1),
    max: atMost(10_000),
    unit: 'micro-batches',
    show: 'hidden',
    label: 'Eval batches',
    doc: 'Micro-batches per validation loss.',
  },
  saveEvery: {
    type: 'int',
    default: 500,
    min: atLeast(0),
    max: atMost(100_000),
    unit: 'steps',
    show: 'basic',
    label: 'Save every',
    doc: 'Steps between checkpoints (0: only at the end). Resume starts from the last one.',
  },
  patience: {
    type: 'int',
    default: 0,
    min: atLeast(0),
    max: atMost(1000),
    unit: 'validations',
    show: 'advanced',
    label: 'Patience',
    doc: 'Stop after this many validations without improvement (0: never stop early).',
  },
  resume: RESUME,
  seed: SEED,
  threads: THREADS,
  worker: WORKER,
} as const satisfies FieldTable;

/** What the trainer reads besides its hyperparameters: the model, the files, the folders. */
export interface TrainWiring {
  /** Model shape when starting from scratch (ignored with `init` or a resumed `out`). */
  model: PresetName;
  /**
   * Overrides of the preset's fields, e.g. { nLayer: 2 }. `dropout: 0` trains a folder whose
   * config.json declares dropout (Hugging Face's gpt2 declares 0.1) without it: no graph applies
   * dropout, so the trainer refuses such a folder unless told so.
   */
  modelOverrides: Partial<GPTConfig> & { dropout?: number };
  /** Start from the weights of this model folder (e.g. a pretrained base for SFT). */
  init?: string;
  /** Output model folder: checkpoints are written here (atomically). */
  out: string;
  /** Training data: text files (pretrain) or JSONL files of {messages} or {prompt, response} (sft). */
  data: string[];
  /** Validation data; when absent the last `valFraction` of the data is held out. */
  valData: string[];
  /** Where the engine runs: "cpu" (default), "cuda" (GPU 0) or "cuda:N"; CUDA needs `npm run gpu:setup`. */
  device: string;
  /** Held-out prompts answered at each evaluation (progress event 'samples'); none by default. */
  samples: SampleSpec;
}

export type TrainConfig = ConfigOf<typeof TRAIN_FIELDS> & TrainWiring;

export const TRAIN_DEFAULTS: TrainConfig = {
  ...defaultsOf(TRAIN_FIELDS),
  model: 'small',
  modelOverrides: {},
  out: 'models/out',
  data: [],
  valData: [],
  device: 'cpu',
  samples: SAMPLE_DEFAULTS,
};

/** Defaults < file < caller; every field checked, naming the field that is out of range. */
export function resolveTrainConfig(...layers: Array<Partial<TrainConfig> | Record<string, unknown>>): TrainConfig {
  const c = { ...TRAIN_DEFAULTS } as Record<string, unknown>;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      if (!(k in TRAIN_DEFAULTS) && k !== 'init') throw new ConfigError(`training config: unknown field "${k}"`);
      c[k] = v;
    }
  }
  for (const k of ['data', 'valData'] as const) if (typeof c[k] === 'string') c[k] = [c[k]];
  const t = c as unknown as TrainConfig;
  const check = (field: keyof TrainConfig, ok: boolean, want: string) => {
    if (!ok) throw new ConfigError(`training config: ${field} ${want}, got ${JSON.stringify(t[field])}`);
  };
  check('model', t.model in PRESETS, `must be one of ${Object.keys(PRESETS).join(', ')}`);
  checkFields('training config', TRAIN_FIELDS, c);
  check('device', isDeviceName(t.device), 'must be "cpu", "cuda" or "cuda:N"');
  check('data', Array.isArray(t.data) && t.data.length > 0, 'must name at least one file');
  check('out', typeof t.out === 'string' && t.out.length > 0, 'must be a folder path');
  t.samples = resolveSampleSpec('training config', t.samples);
  return t;
}
