// Reward-model trainer settings: flat, documented defaults, overridden by a config file and
// then by the caller. Every field is checked; a bad value is one sentence naming the field.

import { ConfigError } from '../model/config';
import { isDeviceName } from '../runtime/config';
import type { Overlong } from '../train/truncate';

export interface RewardConfig {
  /** Decoder folder the body starts from, usually the SFT model (any GPT-2 checkpoint loads). */
  init: string;
  /** Training data, JSONL. */
  data: string[];
  /** 'rankings': whole-ranking export lines (all C(K,2) comparisons of a ranking in one batch element); 'pairs': TRL prompt/chosen/rejected lines. */
  format: 'rankings' | 'pairs';
  /** Validation data; when absent, `valFraction` of the prompts (all their rankings) is held out. */
  valData: string[];
  valFraction: number; // 0.1
  /** Output folder: a decoder checkpoint plus score.weight, score.bias and rlhf_studio.reward = { shift, scale }. */
  out: string;
  epochs: number; // 1 pass over the training rankings (InstructGPT: 1; more overfits)
  batchSize: number; // 8 rankings (or pairs) per optimizer step
  /**
   * Longest sequence (prompt + response + eos); 0 = the model's context nCtx. Longer ones lose
   * prompt tokens from the left (THE truncation policy, ml/train/truncate.ts); the answers of one
   * prompt share the same cut prompt.
   */
  seqLen: number;
  /**
   * A response that does not fit beside the minimal prompt: 'skip' (the default) leaves it and its
   * comparisons out, since a truncated answer is not the answer the labeler ranked and the reward
   * is read at the eos it would lose; 'truncate' cuts it at the end.
   */
  overlong: Overlong;
  /** Refuse to train when more than this share of the responses would be skipped or cut (0.25). */
  maxOverlongShare: number;
  maxLr: number; // 5e-5: InstructGPT's 9e-6 for 6B, scaled up for small models
  minLr: number; // 5e-6: the cosine's floor
  warmupSteps: number; // 10
  weightDecay: number; // 0.01, on matrices and embeddings only
  maxGradNorm: number; // 1.0 (0: no clipping)
  /** Require r_w − r_l to exceed the tier distance (the export's `margin`, or computed from tiers): −log σ(r_w − r_l − m). */
  margin: boolean;
  /** Weight of mean(r²) added to the loss, keeping rewards centred (TRL's center_rewards_coefficient; 0: off). */
  centerCoef: number;
  /** Reference set for shift/scale: SFT JSONL ({messages}, {prompt, response} or {prompt, completion}); empty = the training responses that win a comparison. */
  normData: string[];
  /** Ties count as a comparison pulling both rewards together (−½log σ(d) − ½log σ(−d)); default false: a tie gives no comparison. */
  includeTies: boolean;
  evalEvery: number; // 0: validation metrics only at the end (else every N steps too)
  saveEvery: number; // 0: the checkpoint is written only at the end (and when aborted)
  /** Continue from the checkpoint in `out` (weights, head, AdamW moments, step) when it has training state. */
  resume: boolean;
  seed: number; // 1337: head init, shuffling and the validation split
  threads: number; // 2 intra-op threads
  /** Where the engine runs: "cpu" (default), "cuda" (GPU 0) or "cuda:N"; CUDA needs `npm run gpu:setup`. */
  device: string;
  /** Run the engine in a worker thread (default true: the caller's event loop stays free). */
  worker: boolean;
}

export const REWARD_DEFAULTS: RewardConfig = {
  init: '',
  data: [],
  format: 'rankings',
  valData: [],
  valFraction: 0.1,
  out: 'models/rm',
  epochs: 1,
  batchSize: 8,
  seqLen: 0,
  overlong: 'skip',
  maxOverlongShare: 0.25,
  maxLr: 5e-5,
  minLr: 5e-6,
  warmupSteps: 10,
  weightDecay: 0.01,
  maxGradNorm: 1,
  margin: false,
  centerCoef: 0,
  normData: [],
  includeTies: false,
  evalEvery: 0,
  saveEvery: 0,
  resume: false,
  seed: 1337,
  threads: 2,
  device: 'cpu',
  worker: true,
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
  const int = (f: keyof RewardConfig, min: number) => check(f, Number.isInteger(t[f]) && (t[f] as number) >= min, `must be an integer >= ${min}`);
  const bool = (f: keyof RewardConfig) => check(f, typeof t[f] === 'boolean', 'must be true or false');
  const files = (f: 'data' | 'valData' | 'normData', min: number) =>
    check(f, Array.isArray(t[f]) && t[f].length >= min && t[f].every((x) => typeof x === 'string' && x.length > 0), min ? 'must name at least one file' : 'must be a list of files');
  check('init', typeof t.init === 'string' && t.init.length > 0, 'must name a decoder model folder (usually the SFT model)');
  files('data', 1);
  files('valData', 0);
  files('normData', 0);
  check('format', t.format === 'rankings' || t.format === 'pairs', 'must be "rankings" or "pairs"');
  check('out', typeof t.out === 'string' && t.out.length > 0, 'must be a folder path');
  check('overlong', t.overlong === 'truncate' || t.overlong === 'skip', 'must be "truncate" or "skip"');
  check('maxOverlongShare', typeof t.maxOverlongShare === 'number' && t.maxOverlongShare >= 0 && t.maxOverlongShare <= 1, 'must be in [0, 1]');
  check('valFraction', typeof t.valFraction === 'number' && t.valFraction >= 0 && t.valFraction < 1, 'must be in [0, 1)');
  int('epochs', 1);
  int('batchSize', 1);
  int('seqLen', 0);
  int('warmupSteps', 0);
  int('evalEvery', 0);
  int('saveEvery', 0);
  int('threads', 1);
  check('device', isDeviceName(t.device), 'must be "cpu", "cuda" or "cuda:N"');
  int('seed', 0);
  check('maxLr', typeof t.maxLr === 'number' && t.maxLr > 0 && t.maxLr < 1, 'must be in (0, 1)');
  check('minLr', typeof t.minLr === 'number' && t.minLr >= 0 && t.minLr <= t.maxLr, 'must be in [0, maxLr]');
  check('weightDecay', typeof t.weightDecay === 'number' && t.weightDecay >= 0, 'must be >= 0');
  check('maxGradNorm', typeof t.maxGradNorm === 'number' && t.maxGradNorm >= 0, 'must be >= 0');
  check('centerCoef', typeof t.centerCoef === 'number' && t.centerCoef >= 0, 'must be >= 0');
  for (const f of ['margin', 'includeTies', 'resume', 'worker'] as const) bool(f);
  return t;
}
