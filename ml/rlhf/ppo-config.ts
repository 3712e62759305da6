// PPO settings: flat, documented defaults (InstructGPT's where it gives them, TRL's or OpenRLHF's
// where it leaves the choice open), overridden by a config file and then by the caller.

import { ConfigError } from '../model/config';
import { isDeviceName } from '../runtime/config';

export interface PPOConfig {
  /** SFT model folder: the initial policy AND the frozen reference policy. */
  policy: string;
  /** Reward model folder (score.weight/score.bias + rlhf_studio.reward); not needed when hooks.reward is given. */
  reward?: string;
  /**
   * Where the value model starts: 'reward' = body and head from the reward model (InstructGPT; the
   * head rescaled to predict normalised scores), 'policy' = body from the policy, head zero.
   * 'reward' falls back to 'policy' when no `reward` folder is given (hooks.reward only).
   */
  valueInit: 'reward' | 'policy';
  /** Value head on the policy's body (one model, one optimizer, loss + vfCoef·value loss) instead of a separate value model. */
  sharedBody: boolean;
  /** JSONL of {prompt} or {messages} (the PPO-prompts export). */
  prompts: string[];
  /** Output folder: the policy as a decoder checkpoint, the value model and optimizer state beside it. */
  out: string;
  iterations: number; // 100 rollout-then-update iterations
  rolloutBatch: number; // 64 responses generated per iteration
  miniBatch: number; // 16 responses per optimizer step (must divide rolloutBatch)
  ppoEpochs: number; // 4 passes over each rollout batch
  maxNewTokens: number; // 64 tokens per response at most
  temperature: number; // 1: sampling temperature; log-probs in training use the same logits / T
  lr: number; // 1e-5, constant (TRL): the policy's AdamW learning rate
  /** The value model's learning rate (default: lr); unused with sharedBody. */
  valueLr?: number;
  beta: number; // 0.02: KL coefficient (InstructGPT); the start value when klTarget is set
  /** Target KL (nats per response) of the adaptive controller (Ziegler et al.); fixed beta when absent. */
  klTarget?: number;
  klHorizon: number; // 10000: the adaptive controller's horizon, in responses (TRL)
  gamma: number; // 1: GAE discount
  lam: number; // 0.95: GAE lambda
  clipEps: number; // 0.2: policy ratio clip
  valueClip: number; // 0.2: value clip around the rollout's values
  vfCoef: number; // 0.1 (TRL): value loss weight, only with sharedBody (a separate value model has its own optimizer)
  /** Clip the score (after the no-eos penalty) to [−rewardClip, rewardClip]; off when absent. */
  rewardClip?: number;
  noEosPenalty: number; // 0: added to the score of a response that ran out of tokens before eos (e.g. −1)
  whitenAdvantages: boolean; // true: advantages whitened over each rollout batch
  ptxCoef: number; // 0 = off; InstructGPT used 27.8 (PPO-ptx)
  /** Pretraining text files or SFT JSONL for the ptx loss. */
  ptxData: string[];
  maxGradNorm: number; // 1.0 (OpenRLHF); 0: no clipping
  saveEvery: number; // 10 iterations between checkpoints (0: only at the end)
  /** Continue from the checkpoint in `out` when it holds PPO training state. */
  resume: boolean;
  seed: number; // 1337: prompt draws, sampling and minibatch order all derive from it
  threads: number; // 2 intra-op threads
  /** Where the engine runs: "cpu" (default), "cuda" (GPU 0) or "cuda:N"; CUDA needs `npm run gpu:setup`. */
  device: string;
  /** Run the engine in a worker thread (default true: the caller's event loop stays free). */
  worker: boolean;
}

export const PPO_DEFAULTS: PPOConfig = {
  policy: '',
  valueInit: 'reward',
  sharedBody: false,
  prompts: [],
  out: 'models/ppo',
  iterations: 100,
  rolloutBatch: 64,
  miniBatch: 16,
  ppoEpochs: 4,
  maxNewTokens: 64,
  temperature: 1,
  lr: 1e-5,
  beta: 0.02,
  klHorizon: 10000,
  gamma: 1,
  lam: 0.95,
  clipEps: 0.2,
  valueClip: 0.2,
  vfCoef: 0.1,
  noEosPenalty: 0,
  whitenAdvantages: true,
  ptxCoef: 0,
  ptxData: [],
  maxGradNorm: 1,
  saveEvery: 10,
  resume: false,
  seed: 1337,
  threads: 2,
  device: 'cpu',
  worker: true,
};

const OPTIONAL = ['reward', 'valueLr', 'klTarget', 'rewardClip'];

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
  const int = (f: keyof PPOConfig, min = 1) => check(f, Number.isInteger(t[f]) && (t[f] as number) >= min, `must be an integer >= ${min}`);
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const inRange = (f: keyof PPOConfig, lo: number, hi: number, openLo: boolean, want: string) => {
    const v = t[f];
    check(f, num(v) && (openLo ? v > lo : v >= lo) && v <= hi, want);
  };
  const flag = (f: keyof PPOConfig) => check(f, typeof t[f] === 'boolean', 'must be true or false');
  const files = (f: 'prompts' | 'ptxData', min: number) =>
    check(f, Array.isArray(t[f]) && t[f].length >= min && t[f].every((x) => typeof x === 'string' && x.length > 0), min ? `must name at least one file${f === 'ptxData' ? ' when ptxCoef > 0' : ''}` : 'must be a list of files');

  check('policy', typeof t.policy === 'string' && t.policy.length > 0, 'must be the SFT model folder');
  check('reward', t.reward === undefined || (typeof t.reward === 'string' && t.reward.length > 0), 'must be a reward model folder');
  check('valueInit', t.valueInit === 'reward' || t.valueInit === 'policy', 'must be "reward" or "policy"');
  flag('sharedBody');
  files('prompts', 1);
  check('out', typeof t.out === 'string' && t.out.length > 0, 'must be a folder path');
  int('iterations');
  int('rolloutBatch');
  int('miniBatch');
  check('miniBatch', t.rolloutBatch % t.miniBatch === 0, `must divide rolloutBatch (${t.rolloutBatch})`);
  int('ppoEpochs');
  int('maxNewTokens');
  inRange('temperature', 0, 100, true, 'must be > 0 (log-probabilities need a sampling distribution)');
  inRange('lr', 0, 1, true, 'must be in (0, 1]');
  check('valueLr', t.valueLr === undefined || (num(t.valueLr) && t.valueLr > 0 && t.valueLr <= 1), 'must be in (0, 1]');
  inRange('beta', 0, Infinity, false, 'must be >= 0');
  check('klTarget', t.klTarget === undefined || (num(t.klTarget) && t.klTarget > 0), 'must be > 0');
  inRange('klHorizon', 0, Infinity, true, 'must be > 0');
  inRange('gamma', 0, 1, false, 'must be in [0, 1]');
  inRange('lam', 0, 1, false, 'must be in [0, 1]');
  inRange('clipEps', 0, 1, true, 'must be in (0, 1]');
  inRange('valueClip', 0, Infinity, true, 'must be > 0');
  inRange('vfCoef', 0, Infinity, false, 'must be >= 0');
  check('rewardClip', t.rewardClip === undefined || (num(t.rewardClip) && t.rewardClip > 0), 'must be > 0');
  check('noEosPenalty', num(t.noEosPenalty), 'must be a number');
  flag('whitenAdvantages');
  inRange('ptxCoef', 0, Infinity, false, 'must be >= 0');
  files('ptxData', t.ptxCoef > 0 ? 1 : 0);
  inRange('maxGradNorm', 0, Infinity, false, 'must be >= 0');
  int('saveEvery', 0);
  flag('resume');
  check('seed', Number.isInteger(t.seed), 'must be an integer');
  int('threads');
  check('device', isDeviceName(t.device), 'must be "cpu", "cuda" or "cuda:N"');
  flag('worker');
  return t;
}
