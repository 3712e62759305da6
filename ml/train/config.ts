// Trainer settings: flat, documented defaults, overridden by a config file and then by the caller.

import { readFileSync } from 'node:fs';
import { ConfigError, PRESETS, type GPTConfig, type PresetName } from '../model/config';
import { isDeviceName } from '../runtime/config';
import { parseDevice } from '../runtime/device';
import type { Overlong } from './truncate';

export interface TrainConfig {
  /** 'pretrain': every token counts; 'sft': only response tokens of chat examples count. */
  mode: 'pretrain' | 'sft';
  /** Model shape when starting from scratch (ignored with `init` or a resumed `out`). */
  model: PresetName;
  /** Overrides of the preset's fields, e.g. { nLayer: 2 }. */
  modelOverrides: Partial<GPTConfig>;
  /** Start from the weights of this model folder (e.g. a pretrained base for SFT). */
  init?: string;
  /** Output model folder: checkpoints are written here (atomically). */
  out: string;
  /** Training data: text files (pretrain) or JSONL files of {messages} or {prompt, response} (sft). */
  data: string[];
  /** Validation data; when absent the last `valFraction` of the data is held out. */
  valData: string[];
  valFraction: number; // 0.05
  batchSize: number; // 8 sequences per micro-batch
  /**
   * Tokens per sequence, at most the model's context nCtx; 0 (the default) = nCtx. Pretraining
   * reads windows of this length; SFT fits each example into it (ml/train/truncate.ts) and makes
   * rows as long as the longest fitted example, so a large value costs nothing on short data.
   */
  seqLen: number;
  /**
   * SFT: an example whose response does not fit in seqLen beside the minimal prompt (bos and the
   * role markers) is cut at the END of the response ('truncate', the default: its first tokens
   * still teach how to answer, and SFT's loss is per token) or left out ('skip'). The prompt is
   * always cut first, from the left (ml/train/truncate.ts).
   */
  overlong: Overlong;
  /** Refuse to train when more than this share of the SFT examples would lose response tokens (0.25). */
  maxOverlongShare: number;
  gradAccum: number; // 1 micro-batch per optimizer step
  /**
   * Optimizer steps per engine run (with gradAccum 1; 0, the default: stepsPerRunFor(device), 4 on
   * the CPU and 8 on CUDA): one model chains them, which pays once per run for copying the
   * updated state between host and device (a step about 15% faster on the CPU in bench:ml; on a
   * GPU the host↔device copy of the whole state is a larger share of a run). Needs memory for
   * one more copy of the weights and moments.
   */
  stepsPerRun: number;
  steps: number; // 1000 optimizer steps
  maxLr: number; // 6e-4
  minLr: number; // 6e-5: the cosine's floor
  warmupSteps: number; // 100
  weightDecay: number; // 0.1, on matrices and embeddings only
  beta1: number; // 0.9
  beta2: number; // 0.95
  maxGradNorm: number; // 1.0 (0: no clipping)
  evalEvery: number; // 100 steps between validation losses (0: only at the end)
  evalBatches: number; // 8 micro-batches per validation loss
  saveEvery: number; // 500 steps between checkpoints (0: only at the end)
  /** Stop after this many validations without improvement (0: never stop early). */
  patience: number;
  /** Continue from the checkpoint in `out` (weights, AdamW moments, step) when it has training state. */
  resume: boolean;
  seed: number; // 1337
  threads: number; // 2 intra-op threads
  /** Where the engine runs: "cpu" (default), "cuda" (GPU 0) or "cuda:N"; CUDA needs `npm run gpu:setup`. */
  device: string;
  /** Run the engine in a worker thread (default true: the caller's event loop stays free). */
  worker: boolean;
}

export const TRAIN_DEFAULTS: TrainConfig = {
  mode: 'pretrain',
  model: 'small',
  modelOverrides: {},
  out: 'models/out',
  data: [],
  valData: [],
  valFraction: 0.05,
  batchSize: 8,
  seqLen: 0,
  overlong: 'truncate',
  maxOverlongShare: 0.25,
  gradAccum: 1,
  stepsPerRun: 0,
  steps: 1000,
  maxLr: 6e-4,
  minLr: 6e-5,
  warmupSteps: 100,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.95,
  maxGradNorm: 1,
  evalEvery: 100,
  evalBatches: 8,
  saveEvery: 500,
  patience: 0,
  resume: false,
  seed: 1337,
  threads: 2,
  device: 'cpu',
  worker: true,
};

/** Reads a JSON config file (keys as in TrainConfig), naming the file when it does not parse. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${file} cannot be read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${file} does not parse as JSON: ${(e as Error).message}`);
  }
}

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
  const posInt = (f: keyof TrainConfig, min = 1) => check(f, Number.isInteger(t[f]) && (t[f] as number) >= min, `must be an integer >= ${min}`);
  check('mode', t.mode === 'pretrain' || t.mode === 'sft', 'must be "pretrain" or "sft"');
  check('model', t.model in PRESETS, `must be one of ${Object.keys(PRESETS).join(', ')}`);
  posInt('batchSize');
  posInt('seqLen', 0);
  posInt('gradAccum');
  posInt('stepsPerRun', 0);
  check('stepsPerRun', t.stepsPerRun <= 64, 'must be <= 64');
  posInt('steps');
  posInt('warmupSteps', 0);
  posInt('evalEvery', 0);
  posInt('evalBatches');
  posInt('saveEvery', 0);
  posInt('patience', 0);
  posInt('threads');
  check('device', isDeviceName(t.device), 'must be "cpu", "cuda" or "cuda:N"');
  check('maxLr', t.maxLr > 0 && t.maxLr < 1, 'must be in (0, 1)');
  check('minLr', t.minLr >= 0 && t.minLr <= t.maxLr, 'must be in [0, maxLr]');
  check('overlong', t.overlong === 'truncate' || t.overlong === 'skip', 'must be "truncate" or "skip"');
  check('maxOverlongShare', typeof t.maxOverlongShare === 'number' && t.maxOverlongShare >= 0 && t.maxOverlongShare <= 1, 'must be in [0, 1]');
  check('valFraction', t.valFraction >= 0 && t.valFraction < 1, 'must be in [0, 1)');
  check('weightDecay', t.weightDecay >= 0, 'must be >= 0');
  check('maxGradNorm', t.maxGradNorm >= 0, 'must be >= 0');
  check('data', Array.isArray(t.data) && t.data.length > 0, 'must name at least one file');
  check('out', typeof t.out === 'string' && t.out.length > 0, 'must be a folder path');
  return t;
}

/** Steps chained per engine run when the config leaves it at 0: larger on CUDA, where each run's host↔device copy of the state costs more. */
export function stepsPerRunFor(device: string): number {
  return parseDevice(device).provider === 'cuda' ? 8 : 4;
}
