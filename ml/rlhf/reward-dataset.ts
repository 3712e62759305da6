// The reward model's training, validation and reference sets from a RewardConfig: read and
// checked up front (bad lines, empty sets), validation held out by prompt, epochs shuffled.

import { ConfigError } from '../model/config';
import { prng } from '../runtime/init';
import type { Tokenizer } from '../tokenizer/types';
import { emptyStats, refuseOverlong, type LengthSetting, type TruncationStats } from '../train/truncate-report';
import type { RewardConfig } from './reward-config';
import { readPairs, readRankings, readReference, type RewardFit, type RewardGroup } from './reward-data';

export interface RewardData {
  train: RewardGroup[];
  val: RewardGroup[];
  /** Sequences whose rewards get mean 0 and std 1 after training. */
  reference: number[][];
  /** What the truncation policy did to the responses (training, validation and the normData reference). */
  stats: TruncationStats;
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const r = prng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function read(files: readonly string[], rc: RewardConfig, tok: Tokenizer, fit: RewardFit): RewardGroup[] {
  return rc.format === 'pairs'
    ? readPairs(files, tok, { margin: rc.margin, includeTies: rc.includeTies, fit })
    : readRankings(files, tok, { includeTies: rc.includeTies, fit });
}

/** Holds out `fraction` of the distinct prompts (seeded), with all their rankings: no prompt is on both sides. */
export function splitByPrompt(groups: readonly RewardGroup[], fraction: number, seed: number): { train: RewardGroup[]; val: RewardGroup[] } {
  if (fraction <= 0) return { train: [...groups], val: [] };
  const prompts = shuffled([...new Set(groups.map((g) => g.prompt))], seed);
  const held = new Set(prompts.slice(0, Math.max(1, Math.round(prompts.length * fraction))));
  return { train: groups.filter((g) => !held.has(g.prompt)), val: groups.filter((g) => held.has(g.prompt)) };
}

/** The responses that win at least one comparison (the chosen ones), each sequence once. */
export function winners(groups: readonly RewardGroup[]): number[][] {
  const seen = new Map<string, number[]>();
  for (const g of groups) for (const c of g.pairs) if (!c.tie) seen.set(g.seqs[c.win].join(','), g.seqs[c.win]);
  return [...seen.values()];
}

/**
 * Reads, fits (each sequence at most `length.value` tokens, by the truncation policy) and checks the data;
 * refuses it when more than rc.maxOverlongShare of the responses would lose tokens.
 */
export function loadRewardData(rc: RewardConfig, tok: Tokenizer, length: LengthSetting = { field: 'seqLen', value: Infinity }): RewardData {
  const what = rc.format === 'pairs' ? 'preference pairs (ties, margin 0, give none)' : 'strict comparisons (rankings with every answer tied give none)';
  const fit: RewardFit = { maxTokens: length.value, overlong: rc.overlong, stats: emptyStats('responses') };
  const withPairs = (groups: RewardGroup[]) => groups.filter((g) => g.pairs.length > 0);
  const all = withPairs(read(rc.data, rc, tok, fit));
  const valRead = rc.valData.length ? withPairs(read(rc.valData, rc, tok, fit)) : undefined;
  const normRead = rc.normData.length ? readReference(rc.normData, tok, fit) : undefined;
  refuseOverlong(fit.stats, rc.maxOverlongShare, 'reward-model data', length);
  if (!all.length) throw new ConfigError(`training data ${rc.data.join(', ')}: no ${what} to train on`);
  let { train, val } = valRead ? { train: all, val: valRead } : splitByPrompt(all, rc.valFraction, rc.seed);
  if (rc.valData.length && !val.length) throw new ConfigError(`validation data ${rc.valData.join(', ')}: no ${what}`);
  if (!train.length) {
    // a single prompt cannot be split by prompt: hold out rankings instead
    const cut = Math.max(1, Math.round(all.length * rc.valFraction));
    if (cut >= all.length)
      throw new ConfigError(
        `training data ${rc.data.join(', ')}: ${all.length} ranking(s) leave none for training after the validation split (valFraction ${rc.valFraction})`,
      );
    ({ train, val } = { train: all.slice(0, all.length - cut), val: all.slice(all.length - cut) });
  }
  const reference = normRead ?? winners(train);
  if (!reference.length) throw new ConfigError(`reference set ${rc.normData.join(', ')}: no examples to normalise the rewards with`);
  return { train, val, reference, stats: fit.stats };
}

const orders = new WeakMap<readonly RewardGroup[], { key: string; order: RewardGroup[] }>();

/** The groups of optimizer step `step` (0-based): epochs reshuffle the training set, seeded, so resume replays the same order. */
export function stepGroups(train: readonly RewardGroup[], batchGroups: number, step: number, seed: number): RewardGroup[] {
  const perEpoch = Math.ceil(train.length / batchGroups);
  const epoch = Math.floor(step / perEpoch);
  const key = `${seed}:${epoch}`;
  let cached = orders.get(train);
  if (cached?.key !== key) orders.set(train, (cached = { key, order: shuffled(train, (seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0) }));
  const k = step % perEpoch;
  return cached.order.slice(k * batchGroups, (k + 1) * batchGroups);
}

export const stepsFor = (train: readonly RewardGroup[], batchGroups: number, epochs: number) => Math.ceil(train.length / batchGroups) * epochs;
