// PPO settings: flat, documented defaults (InstructGPT's where it gives them, TRL's or OpenRLHF's
// where it leaves the choice open), overridden by a config file and then by the caller.

import { ConfigError } from '../model/config';
import { resolveSampleSpec, SAMPLE_DEFAULTS, type SampleSpec } from '../generate/sample-spec';
import { isDeviceName } from '../runtime/device-name';
import { above, atLeast, atMost, checkFields, defaultsOf, RESUME, SEED, THREADS, WORKER, type ConfigOf, type FieldTable } from '../hparams';

/** The trainer's hyperparameters, one row each (ml/hparams.ts derives the type, defaults and checks). */
export const PPO_FIELDS = {
  advantage: {
    type: 'enum',
    options: ['gae', 'rloo', 'grpo'],
    default: 'gae',
    show: 'basic',
    label: 'Advantage',
    doc: 'gae: a value model and GAE (PPO); rloo: k answers per prompt, baseline the mean of the other k − 1 (RLOO); grpo: the group mean and std (GRPO). rloo and grpo train no value model.',
  },
  groupSize: {
    type: 'int',
    default: 4,
    min: atLeast(2),
    max: atMost(64),
    unit: 'answers',
    show: 'basic',
    label: 'Group size k',
    doc: 'With rloo or grpo: answers sampled per prompt (must divide the rollout batch).',
  },
  // 'reward' = body and head from the reward model (InstructGPT; the head rescaled to predict
  // normalised scores), 'policy' = body from the policy, head zero. 'reward' falls back to 'policy'
  // when no `reward` folder is given (hooks.reward only).
  valueInit: {
    type: 'enum',
    options: ['reward', 'policy'],
    default: 'reward',
    show: 'advanced',
    label: 'Value model from',
    doc: 'Initialise the value model from the reward model (InstructGPT) or from the policy.',
  },
  sharedBody: {
    type: 'bool',
    default: false,
    show: 'hidden',
    label: 'Shared body',
    doc: "Value head on the policy's body (one model, one optimizer, loss + vfCoef · value loss) instead of a separate value model.",
  },
  iterations: {
    type: 'int',
    default: 100,
    min: atLeast(1),
    max: atMost(100_000),
    unit: 'iterations',
    show: 'basic',
    label: 'Iterations',
    doc: 'PPO iterations (each: a batch of rollouts, then ppoEpochs of updates).',
  },
  rolloutBatch: {
    type: 'int',
    default: 64,
    min: atLeast(1),
    max: atMost(1024),
    unit: 'responses',
    show: 'basic',
    label: 'Rollout batch',
    doc: 'Responses generated per iteration.',
  },
  miniBatch: {
    type: 'int',
    default: 16,
    min: atLeast(1),
    max: atMost(1024),
    unit: 'responses',
    show: 'basic',
    label: 'Mini batch',
    doc: 'Responses per optimizer step (must divide the rollout batch).',
  },
  ppoEpochs: {
    type: 'int',
    default: 4,
    min: atLeast(1),
    max: atMost(32),
    unit: 'epochs',
    show: 'basic',
    label: 'PPO epochs',
    doc: 'Passes over each rollout batch (InstructGPT: 4).',
  },
  maxNewTokens: {
    type: 'int',
    default: 64,
    min: atLeast(1),
    max: atMost(2048),
    unit: 'tokens',
    show: 'basic',
    label: 'Max new tokens',
    doc: 'Longest response sampled during rollouts.',
  },
  temperature: {
    type: 'number',
    default: 1,
    min: above(0),
    why: '(log-probabilities need a sampling distribution)',
    show: 'advanced',
    label: 'Temperature',
    doc: 'Sampling temperature during rollouts (1: the policy itself); training log-probs use the same logits / T.',
  },
  lr: {
    type: 'number',
    default: 1e-5,
    min: above(0),
    max: atMost(1),
    show: 'basic',
    label: 'Learning rate',
    doc: "The policy's AdamW learning rate, constant (TRL).",
  },
  valueLr: {
    type: 'number',
    optional: true,
    min: above(0),
    max: atMost(1),
    show: 'hidden',
    label: 'Value learning rate',
    doc: "The value model's learning rate (default: the policy's); unused with a shared body.",
  },
  beta: {
    type: 'number',
    default: 0.02,
    min: atLeast(0),
    max: atMost(1),
    show: 'basic',
    label: 'KL coefficient β',
    doc: 'KL penalty coefficient against the SFT reference (InstructGPT: 0.02); the start value with a KL target.',
  },
  klTarget: {
    type: 'number',
    optional: true,
    min: above(0),
    unit: 'nats',
    show: 'advanced',
    label: 'KL target',
    doc: 'Adaptive KL (Ziegler et al.): target KL per response (left out: fixed β).',
  },
  klHorizon: {
    type: 'number',
    default: 10000,
    min: above(0),
    unit: 'responses',
    show: 'hidden',
    label: 'KL horizon',
    doc: "The adaptive KL controller's horizon (TRL).",
  },
  gamma: {
    type: 'number',
    default: 1,
    min: atLeast(0),
    max: atMost(1),
    show: 'advanced',
    label: 'Discount γ',
    doc: 'GAE discount (1: none, as in InstructGPT).',
  },
  lam: {
    type: 'number',
    default: 0.95,
    min: atLeast(0),
    max: atMost(1),
    show: 'advanced',
    label: 'GAE λ',
    doc: 'GAE λ (0.95).',
  },
  clipEps: {
    type: 'number',
    default: 0.2,
    min: above(0),
    max: atMost(1),
    show: 'advanced',
    label: 'Clip ε',
    doc: 'PPO ratio clip ε (0.2).',
  },
  valueClip: {
    type: 'number',
    default: 0.2,
    min: above(0),
    max: atMost(10),
    show: 'advanced',
    label: 'Value clip',
    doc: "Value-function clip around the rollout's values (0.2).",
  },
  vfCoef: {
    type: 'number',
    default: 0.1,
    min: atLeast(0),
    max: atMost(10),
    show: 'advanced',
    label: 'Value loss weight',
    doc: 'Weight of the value loss, only with a shared body (a separate value model has its own optimizer).',
  },
  rewardClip: {
    type: 'number',
    optional: true,
    min: above(0),
    show: 'hidden',
    label: 'Reward clip',
    doc: 'Clip the score (after the no-eos penalty) to [−rewardClip, rewardClip]; off when absent.',
  },
  noEosPenalty: {
    type: 'number',
    default: 0,
    min: atLeast(-10),
    max: atMost(0),
    show: 'advanced',
    label: 'No-EOS penalty',
    doc: 'Added to the score of a response that ran out of tokens before an end-of-sequence token (e.g. −1).',
  },
  whitenAdvantages: {
    type: 'bool',
    default: true,
    show: 'hidden',
    label: 'Whiten advantages',
    doc: 'Whiten the advantages over each rollout batch.',
  },
  ptxCoef: {
    type: 'number',
    default: 0,
    min: atLeast(0),
    max: atMost(100),
    show: 'advanced',
    label: 'Pretraining loss weight',
    doc: "Weight of the pretraining loss mixed into PPO (InstructGPT's PPO-ptx: 27.8; 0: off).",
  },
  maxGradNorm: {
    type: 'number',
    default: 1,
    min: atLeast(0),
    max: atMost(100),
    show: 'hidden',
    label: 'Max gradient norm',
    doc: "Clip the gradient's global norm to this (OpenRLHF: 1; 0: no clipping).",
  },
  saveEvery: {
    type: 'int',
    default: 10,
    min: atLeast(0),
    max: atMost(100_000),
    unit: 'iterations',
    show: 'advanced',
    label: 'Save every',
    doc: 'Iterations between checkpoints (0: only at the end).',
  },
  resume: RESUME,
  seed: SEED,
  threads: THREADS,
  worker: WORKER,
} as const satisfies FieldTable;

/** What the trainer reads besides its hyperparameters: the models, the files, the folders. */
export interface PPOWiring {
  /** SFT model folder: the initial policy AND the frozen reference policy. */
  policy: string;
  /** Reward model folder (score.weight/score.bias + rlhf_studio.reward); not needed when hooks.reward is given. */
  reward?: string;
  /** JSONL of {prompt} or {messages} (the PPO-prompts export). */
  prompts: string[];
  /** Output folder: the policy as a decoder checkpoint, the value model and optimizer state beside it. */
  out: string;
  /** Pretraining text files or SFT JSONL for the ptx loss. */
  ptxData: string[];
  /** Where the engine runs: "cpu" (default), "cuda" (GPU 0) or "cuda:N"; CUDA needs `npm run gpu:setup`. */
  device: string;
  /** Held-out prompts answered at each checkpoint and at the end (progress event 'samples'); none by default. */
  samples: SampleSpec;
}

export type PPOConfig = ConfigOf<typeof PPO_FIELDS> & PPOWiring;

export const PPO_DEFAULTS: PPOConfig = {
  ...defaultsOf(PPO_FIELDS),
  policy: '',
  prompts: [],
  out: 'models/ppo',
  ptxData: [],
  device: 'cpu',
  samples: SAMPLE_DEFAULTS,
};

/** Fields that may be absent (no default). */
const OPTIONAL = [
  'reward',
  ...Object.entries(PPO_FIELDS as FieldTable)
    .filter(([, f]) => f.optional)
    .map(([k]) => k),
];

/** Defaults < file < caller; every field checked, naming the field that is out of range. */
export function resolvePPOConfig(...layers: Array<Partial<PPOConfig> | Record<string, unknown>>): PPOConfig {
  const c = { ...PPO_DEFAULTS } as Record<string, unknown>;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      if (!(k in PPO_DEFAULTS) && !OPTIONAL.includes(k)) throw new ConfigError(`PPO config: unknown field "${k}"`);
      c[k] = v;
    }
  }
  for (const k of ['prompts', 'ptxData'] as const) if (typeof c[k] === 'string') c[k] = [c[k]];
  const t = c as unknown as PPOConfig;
  const check = (field: keyof PPOConfig, ok: boolean, want: string) => {
    if (!ok) throw new ConfigError(`PPO config: ${field} ${want}, got ${JSON.stringify(t[field])}`);
  };
  const files = (f: 'prompts' | 'ptxData', min: number) =>
    check(
      f,
      Array.isArray(t[f]) && t[f].length >= min && t[f].every((x) => typeof x === 'string' && x.length > 0),
      min ? `must name at least one file${f === 'ptxData' ? ' when ptxCoef > 0' : ''}` : 'must be a list of files',
    );

  check('policy', typeof t.policy === 'string' && t.policy.length > 0, 'must be the SFT model folder');
  check('reward', t.reward === undefined || (typeof t.reward === 'string' && t.reward.length > 0), 'must be a reward model folder');
  files('prompts', 1);
  check('out', typeof t.out === 'string' && t.out.length > 0, 'must be a folder path');
  check('device', isDeviceName(t.device), 'must be "cpu", "cuda" or "cuda:N"');
  checkFields('PPO config', PPO_FIELDS, c);
  check('miniBatch', t.rolloutBatch % t.miniBatch === 0, `must divide rolloutBatch (${t.rolloutBatch})`);
  if (t.advantage !== 'gae')
    check('groupSize', t.rolloutBatch % t.groupSize === 0, `must divide rolloutBatch (${t.rolloutBatch}) with advantage "${t.advantage}"`);
  t.samples = resolveSampleSpec('PPO config', t.samples);
  files('ptxData', t.ptxCoef > 0 ? 1 : 0);
  return t;
}
