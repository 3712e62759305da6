// Reward-model trainer settings: flat, documented defaults, overridden by a config file and
// then by the caller. Every field is checked; a bad value is one sentence naming the field.

import { ConfigError } from '../model/config';
import { isDeviceName } from '../runtime/device-name';
import {
  atLeast,
  atMost,
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
  formatDoc: 'rankings: whole-ranking export lines (all C(K,2) pairs in one batch element); pairs: TRL prompt/chosen/rejected lines.',
});

/** The trainer's hyperparameters, one row each (ml/hparams.ts derives the type, defaults and checks). */
export const REWARD_FIELDS = {
  format,
  ...data,
  ...cosineAdamWFields({
    maxLr: 5e-5,
    minLr: 5e-6,
    warmupSteps: 10,
    weightDecay: 0.01,
    maxLrDoc: "Peak learning rate, then cosine decay (InstructGPT's 9e-6 for 6B, scaled up for small models).",
  }),
  valFraction,
  margin: {
    type: 'bool',
    default: false,
    show: 'advanced',
    label: 'Margin',
    doc: "Require r_w − r_l to exceed the margin m: −log σ(r_w − r_l − m). m is the tier distance, or for a pairwise project's comparisons with a preference strength Llama 2's margin (significantly 3, better 2, slightly 1, negligibly / unsure 0).",
  },
  centerCoef: {
    type: 'number',
    default: 0,
    min: atLeast(0),
    show: 'advanced',
    label: 'Centering weight',
    doc: "Weight of mean(r²) added to the loss, keeping rewards centred on 0 (TRL's center_rewards_coefficient; 0: off).",
  },
  includeTies: {
    type: 'bool',
    default: false,
    show: 'advanced',
    label: 'Include ties',
    doc: 'Train on tied pairs too, pulled towards equal reward (off: a tie gives no comparison).',
  },
  evalEvery: {
    type: 'int',
    default: 0,
    min: atLeast(0),
    max: atMost(100_000),
    unit: 'steps',
    show: 'advanced',
    label: 'Eval every',
    doc: 'Steps between validation metrics (0: only at the end).',
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
export interface RewardWiring {
  /** Decoder folder the body starts from, usually the SFT model (any GPT-2 checkpoint loads). */
  init: string;
  /** Training data, JSONL. */
  data: string[];
  /** Validation data; when absent, `valFraction` of the prompts (all their rankings) is held out. */
  valData: string[];
  /** Output folder: a decoder checkpoint plus score.weight, score.bias and rlhf_studio.reward = { shift, scale }. */
  out: string;
  /** Reference set for shift/scale: SFT JSONL ({messages}, {prompt, response} or {prompt, completion}); empty = the training responses that win a comparison. */
  normData: string[];
  /** Where the engine runs: "cpu" (default), "cuda" (GPU 0) or "cuda:N"; CUDA needs `npm run gpu:setup`. */
  device: string;
}

export type RewardConfig = ConfigOf<typeof REWARD_FIELDS> & RewardWiring;

export const REWARD_DEFAULTS: RewardConfig = {
  ...defaultsOf(REWARD_FIELDS),
  init: '',
  data: [],
  valData: [],
  out: 'models/rm',
  normData: [],
  device: 'cpu',
};

/** Defaults < ... < last layer; every field checked, naming the field that is out of range. */
export function resolveRewardConfig(...layers: Array<Partial<RewardConfig> | Record<string, unknown>>): RewardConfig {
  const c = { ...REWARD_DEFAULTS } as Record<string, unknown>;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      if (!(k in REWARD_DEFAULTS)) throw new ConfigError(`reward-model config: unknown field "${k}"`);
      c[k] = v;
    }
  }
  for (const k of ['data', 'valData', 'normData'] as const) if (typeof c[k] === 'string') c[k] = [c[k]];
  const t = c as unknown as RewardConfig;
  const check = (field: keyof RewardConfig, ok: boolean, want: string) => {
    if (!ok) throw new ConfigError(`reward-model config: ${field} ${want}, got ${JSON.stringify(t[field])}`);
  };
  const files = (f: 'data' | 'valData' | 'normData', min: number) =>
    check(
      f,
      Array.isArray(t[f]) && t[f].length >= min && t[f].every((x) => typeof x === 'string' && x.length > 0),
      min ? 'must name at least one file' : 'must be a list of files',
    );
  check('init', typeof t.init === 'string' && t.init.length > 0, 'must name a decoder model folder (usually the SFT model)');
  files('data', 1);
  files('valData', 0);
  files('normData', 0);
  check('out', typeof t.out === 'string' && t.out.length > 0, 'must be a folder path');
  check('device', isDeviceName(t.device), 'must be "cpu", "cuda" or "cuda:N"');
  checkFields('reward-model config', REWARD_FIELDS, c);
  return t;
}
