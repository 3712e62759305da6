// DPO trainer settings (Rafailov et al., 2023; TRL's DPOTrainer names where it has them): flat,
// documented defaults, overridden by a config file and then by the caller. Every field is checked;
// a bad value is one sentence naming the field.

import { ConfigError } from '../model/config';
import { resolveSampleSpec, SAMPLE_DEFAULTS, type SampleSpec } from '../generate/sample-spec';
import { isDeviceName } from '../runtime/device-name';
import {
  above,
  atLeast,
  atMost,
  below,
  checkFields,
  cosineAdamWFields,
  defaultsOf,
  rankingDataFields,
  RESUME,
  SEED,
  THREADS,
  WORKER,
  type ConfigOf,
  type FieldTable,
} from '../hparams';

const { format, valFraction, ...data } = rankingDataFields({
  formatDoc: 'rankings: whole-ranking export lines; pairs: TRL prompt/chosen/rejected lines.',
  batchNote: 'With Whole rankings off, each pair of a ranking is its own element.',
});

/** The trainer's hyperparameters, one row each (ml/hparams.ts derives the type, defaults and checks). */
export const DPO_FIELDS = {
  format,
  lossType: {
    type: 'enum',
    options: ['sigmoid', 'ipo', 'cdpo'],
    default: 'sigmoid',
    show: 'basic',
    label: 'Loss',
    doc: 'sigmoid: DPO −log σ(β·h); ipo: (h − 1/(2β))² on per-token mean log-probs (Azar et al.); cdpo: conservative DPO, labels flipped with probability labelSmoothing.',
  },
  beta: {
    type: 'number',
    default: 0.1,
    min: above(0),
    max: atMost(100),
    why: '(the strength of the KL constraint to the reference; 0 would ignore the data)',
    show: 'basic',
    label: 'β',
    doc: 'Inverse strength of the implicit KL penalty to the reference: the implicit reward is β·log(π/π_ref) (TRL: 0.1).',
  },
  labelSmoothing: {
    type: 'number',
    default: 0.1,
    min: atLeast(0),
    max: below(0.5),
    show: 'advanced',
    label: 'Label smoothing',
    doc: 'With the cdpo loss: the assumed probability that a preference is flipped (conservative DPO).',
  },
  wholeRankings: {
    type: 'bool',
    default: true,
    show: 'advanced',
    label: 'Whole rankings',
    doc: 'Every strict pair of a ranking in one batch element, each answer through the model once, weighted so each ranking counts once (InstructGPT); off: each pair its own element (TRL).',
  },
  ...data,
  ...cosineAdamWFields({
    maxLr: 1e-5,
    minLr: 1e-6,
    warmupSteps: 10,
    weightDecay: 0,
    maxLrDoc: 'Peak learning rate, then cosine decay (TRL: 1e-6 for billion-parameter models; small models take more).',
  }),
  valFraction,
  maxSteps: {
    type: 'int',
    default: 0,
    min: atLeast(0),
    max: atMost(1_000_000),
    unit: 'steps',
    show: 'advanced',
    label: 'Max steps',
    doc: "Optimizer steps to take, the learning-rate schedule decaying over them, epochs reshuffling as they pass (TRL's max_steps; 0: Epochs decide).",
  },
  margin: {
    type: 'bool',
    default: false,
    show: 'advanced',
    label: 'Margin',
    doc: "Subtract the tier distance (or a pair line's margin) from β·h: −log σ(β·h − m) (sigmoid and cdpo losses).",
  },
  includeTies: {
    type: 'bool',
    default: false,
    show: 'advanced',
    label: 'Include ties',
    doc: 'Tied answers give a term pulling their implicit rewards together (off: a tie gives no pair).',
  },
  klPrompts: {
    type: 'int',
    default: 16,
    min: atLeast(0),
    max: atMost(1024),
    unit: 'prompts',
    show: 'advanced',
    label: 'KL prompts',
    doc: 'Held-out prompts the policy answers at each evaluation to measure its KL to the reference (0: no KL).',
  },
  klMaxNewTokens: {
    type: 'int',
    default: 32,
    min: atLeast(1),
    max: atMost(2048),
    unit: 'tokens',
    show: 'advanced',
    label: 'KL answer length',
    doc: 'Longest answer sampled for the KL measurement (also bounded by the sequence length).',
  },
  evalEvery: {
    type: 'int',
    default: 0,
    min: atLeast(0),
    max: atMost(100_000),
    unit: 'steps',
    show: 'advanced',
    label: 'Eval every',
    doc: 'Steps between validation metrics and KL (0: only at the end).',
  },
  saveEvery: {
    type: 'int',
    default: 0,
    min: atLeast(0),
    max: atMost(100_000),
    unit: 'steps',
    show: 'advanced',
    label: 'Save every',
    doc: 'Steps between checkpoints (0: only at the end). Resume starts from the last one.',
  },
  resume: RESUME,
  seed: SEED,
  threads: THREADS,
  worker: WORKER,
} as const satisfies FieldTable;

/** What the trainer reads besides its hyperparameters: the files and folders. */
export interface DPOWiring {
  /** SFT model folder: the starting policy. */
  init: string;
  /** The frozen reference policy (empty: `init`, as in DPO). Must be the same architecture and tokenizer. */
  ref: string;
  /** Training data, JSONL (rankings or TRL pairs, per `format`). */
  data: string[];
  /** Validation data; when absent, `valFraction` of the prompts (all their rankings) is held out. */
  valData: string[];
  /** Output folder: the policy as a decoder checkpoint, and the reference log-probs (dpo_reference.json). */
  out: string;
  /** Where the engine runs: "cpu" (default), "cuda" (GPU 0) or "cuda:N". */
  device: string;
  /** Held-out prompts answered at each evaluation (progress event 'samples'); none by default. */
  samples: SampleSpec;
}

export type DPOConfig = ConfigOf<typeof DPO_FIELDS> & DPOWiring;

export const DPO_DEFAULTS: DPOConfig = {
  ...defaultsOf(DPO_FIELDS),
  init: '',
  ref: '',
  data: [],
  valData: [],
  out: 'models/dpo',
  device: 'cpu',
  samples: SAMPLE_DEFAULTS,
};

/** Defaults < ... < last layer; every field checked, naming the field that is out of range. */
export function resolveDPOConfig(...layers: Array<Partial<DPOConfig> | Record<string, unknown>>): DPOConfig {
  const c = { ...DPO_DEFAULTS } as Record<string, unknown>;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      if (!(k in DPO_DEFAULTS)) throw new ConfigError(`DPO config: unknown field "${k}"`);
      c[k] = v;
    }
  }
  for (const k of ['data', 'valData'] as const) if (typeof c[k] === 'string') c[k] = [c[k]];
  const t = c as unknown as DPOConfig;
  const check = (field: keyof DPOConfig, ok: boolean, want: string) => {
    if (!ok) throw new ConfigError(`DPO config: ${field} ${want}, got ${JSON.stringify(t[field])}`);
  };
  const files = (f: 'data' | 'valData', min: number) =>
    check(
      f,
      Array.isArray(t[f]) && t[f].length >= min && t[f].every((x) => typeof x === 'string' && x.length > 0),
      min ? 'must name at least one file' : 'must be a list of files',
    );
  check('init', typeof t.init === 'string' && t.init.length > 0, 'must name a decoder model folder (the SFT model)');
  check('ref', typeof t.ref === 'string', 'must be a model folder (empty: the init folder)');
  files('data', 1);
  files('valData', 0);
  check('out', typeof t.out === 'string' && t.out.length > 0, 'must be a folder path');
  check('device', isDeviceName(t.device), 'must be "cpu", "cuda" or "cuda:N"');
  checkFields('DPO config', DPO_FIELDS, c);
  t.samples = resolveSampleSpec('DPO config', t.samples);
  if (t.margin && t.lossType === 'ipo')
    throw new ConfigError('DPO config: margin works with the sigmoid and cdpo losses, not with ipo (its target 1/(2β) is the margin)');
  return t;
}
