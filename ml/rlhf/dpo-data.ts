// DPO's training and validation sets from a DPOConfig: the reward model's readers (whole rankings
// or TRL pairs, fitted by THE truncation policy: prompts cut from the left, responses kept), checked
// up front, validation held out by prompt; with wholeRankings off, each pair its own group.

import { ConfigError } from '../model/config';
import type { Tokenizer } from '../tokenizer/types';
import { emptyStats, refuseOverlong, type LengthSetting, type TruncationStats } from '../train/truncate-report';
import type { DPOConfig } from './dpo-config';
import { splitPairs } from './dpo-model';
import { readPairs, readRankings, type RewardFit, type RewardGroup } from './reward-data';
import { splitByPrompt } from './reward-dataset';

export interface DPOData {
  train: RewardGroup[];
  val: RewardGroup[];
  stats: TruncationStats;
}

function read(files: readonly string[], dc: DPOConfig, tok: Tokenizer, fit: RewardFit): RewardGroup[] {
  const groups =
    dc.format === 'pairs'
      ? readPairs(files, tok, { margin: dc.margin, includeTies: dc.includeTies, fit })
      : readRankings(files, tok, { includeTies: dc.includeTies, fit });
  // a group whose comparisons are all ties pulls rewards together but ranks nothing: it needs a strict pair
  return groups.filter((g) => g.pairs.some((c) => !c.tie));
}

/** Reads, fits and checks the data; refuses it when it has no strict pair or loses too many responses. */
export function loadDPOData(dc: DPOConfig, tok: Tokenizer, length: LengthSetting): DPOData {
  const what =
    dc.format === 'pairs'
      ? 'preference pairs with a strict preference (ties, margin 0, give none)'
      : 'strict pairs (a ranking with every answer tied gives none)';
  const fit: RewardFit = { maxTokens: length.value, overlong: dc.overlong, stats: emptyStats('responses') };
  const all = read(dc.data, dc, tok, fit);
  const valRead = dc.valData.length ? read(dc.valData, dc, tok, fit) : undefined;
  refuseOverlong(fit.stats, dc.maxOverlongShare, 'DPO data', length);
  if (!all.length) throw new ConfigError(`training data ${dc.data.join(', ')}: no ${what} to train on`);
  let { train, val } = valRead ? { train: all, val: valRead } : splitByPrompt(all, dc.valFraction, dc.seed);
  if (dc.valData.length && !val.length) throw new ConfigError(`validation data ${dc.valData.join(', ')}: no ${what}`);
  if (!train.length) {
    const cut = Math.max(1, Math.round(all.length * dc.valFraction));
    if (cut >= all.length)
      throw new ConfigError(
        `training data ${dc.data.join(', ')}: ${all.length} ranking(s) leave none for training after the validation split (valFraction ${dc.valFraction})`,
      );
    ({ train, val } = { train: all.slice(0, all.length - cut), val: all.slice(all.length - cut) });
  }
  return dc.wholeRankings ? { train, val, stats: fit.stats } : { train: splitPairs(train), val: splitPairs(val), stats: fit.stats };
}
