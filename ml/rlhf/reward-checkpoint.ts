// Reward-model folders: an ordinary decoder checkpoint plus score.weight [C, 1], score.bias [1]
// and config.json's rlhf_studio.reward = { shift, scale } (normalised = (raw − shift) / scale).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCheckpoint, saveCheckpoint, type Checkpoint, type SaveOptions } from '../checkpoint/checkpoint';
import { CheckpointError } from '../checkpoint/safetensors';
import { ConfigError, type GPTConfig } from '../model/config';
import { checkpointTokenizer } from '../tokenizer/index';
import type { Tokenizer } from '../tokenizer/types';

export interface Decoder {
  ck: Checkpoint;
  tok: Tokenizer;
  /** How saveCheckpoint should carry this tokenizer into a new folder. */
  tokenizerSave: SaveOptions['tokenizer'];
}

/**
 * A decoder folder and its tokenizer, refused when they do not fit together: no tokenizer, token
 * ids the model cannot embed, or config.json's bos/eos ids not the tokenizer's (the reward is read at the eos).
 */
export function loadDecoder(dir: string, what = 'model folder'): Decoder {
  const ck = loadCheckpoint(dir);
  let tok: Tokenizer;
  try {
    tok = checkpointTokenizer(dir, ck.tokenizer);
  } catch (e) {
    throw new ConfigError(`${what} ${dir} has no tokenizer the data can be encoded with: ${(e as Error).message}`);
  }
  if (tok.vocabSize > ck.config.vocabSize) {
    throw new ConfigError(`${what} ${dir}: its ${tok.kind} tokenizer has ${tok.vocabSize} tokens but the model embeds only ${ck.config.vocabSize}`);
  }
  const raw = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  for (const [field, id] of [
    ['bos_token_id', tok.bos],
    ['eos_token_id', tok.eos],
  ] as const) {
    if (typeof raw[field] === 'number' && raw[field] !== id) {
      throw new ConfigError(
        `${what} ${dir}: config.json has ${field} ${raw[field]} but its ${tok.kind} tokenizer's is ${id}, so the model was trained with another tokenizer`,
      );
    }
  }
  return { ck, tok, tokenizerSave: ck.tokenizer === 'byte' ? 'byte' : { copyFrom: path.resolve(dir) } };
}

export interface RewardNorm {
  shift: number;
  scale: number;
}

export interface RewardHeadTensors {
  weight: Float32Array; // (C, 1)
  bias: Float32Array; // (1)
}

/** The score head and normalisation of a reward-model folder, refused with one sentence when missing. */
export function readRewardHead(ck: Checkpoint, dir: string): { head: RewardHeadTensors; norm: RewardNorm } {
  const C = ck.config.nEmbd;
  const w = ck.extra['score.weight'];
  const b = ck.extra['score.bias'];
  if (!w || !b) throw new CheckpointError(`model folder ${dir} has no reward head (score.weight and score.bias): train one with \`npm run ml -- rm\``);
  if (w.data.length !== C || b.data.length !== 1)
    throw new CheckpointError(
      `model folder ${dir}: score.weight should be [${C}, 1] and score.bias [1], got [${w.shape.join(', ')}] and [${b.shape.join(', ')}]`,
    );
  const r = ck.meta?.reward as Partial<RewardNorm> | undefined;
  const ok = r && typeof r.shift === 'number' && Number.isFinite(r.shift) && typeof r.scale === 'number' && r.scale > 0;
  if (!ok) throw new CheckpointError(`model folder ${dir}: config.json has no rlhf_studio.reward = { shift, scale > 0 }`);
  return { head: { weight: w.data, bias: b.data }, norm: { shift: r.shift!, scale: r.scale! } };
}

/** Writes a reward-model folder (atomically, as every checkpoint). */
export function saveRewardModel(
  dir: string,
  config: GPTConfig,
  body: Record<string, Float32Array>,
  head: RewardHeadTensors,
  norm: RewardNorm,
  o: Omit<SaveOptions, 'extra' | 'meta'> = {},
): void {
  saveCheckpoint(dir, config, body, {
    ...o,
    extra: { 'score.weight': { data: head.weight, shape: [config.nEmbd, 1] }, 'score.bias': { data: head.bias, shape: [1] } },
    meta: { reward: { shift: norm.shift, scale: norm.scale } },
  });
}
