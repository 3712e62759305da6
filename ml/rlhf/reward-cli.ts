// `npm run ml -- reward --model DIR --input FILE.jsonl`: the reward of each {prompt, response}
// line, or both rewards of each {prompt, chosen, rejected} line and whether the model ordered
// it right. Prompts are strings or message lists, as in the exports.

import { ConfigError } from '../model/config';
import { completionOf, promptOf, readJsonl, rewardInput } from './reward-data';
import type { RewardScorer } from './reward-scorer';

/** `correct` is null for a tie (a pair with margin 0): it is left out of the accuracy. */
type RewardLine = { reward: number } | { chosen_reward: number; rejected_reward: number; correct: boolean | null };

export interface RewardFileResult {
  lines: RewardLine[];
  /** Pairs scored (ties left out) and the share the model ordered right (NaN when the file has none). */
  pairs: number;
  accuracy: number;
}

/** Normalised rewards for every line of `file` (all lines are checked before any is scored). */
export async function scoreRewardFile(scorer: RewardScorer, file: string): Promise<RewardFileResult> {
  const tok = scorer.tokenizer;
  const items: Array<{ seqs: number[][]; pair: boolean; tie?: boolean }> = [];
  readJsonl([file], (j, where) => {
    if (j.chosen !== undefined || j.rejected !== undefined) {
      const prompt = j.prompt === undefined ? [] : promptOf(j.prompt, where);
      const c = completionOf(j.chosen, where, 'chosen');
      const r = completionOf(j.rejected, where, 'rejected');
      items.push({
        seqs: [rewardInput(tok, [...prompt, ...c.context], c.response), rewardInput(tok, [...prompt, ...r.context], r.response)],
        pair: true,
        tie: j.margin === 0,
      });
    } else if (j.prompt !== undefined && typeof j.response === 'string') {
      items.push({ seqs: [rewardInput(tok, promptOf(j.prompt, where), j.response)], pair: false });
    } else throw new ConfigError(`${where} has neither "prompt" and "response" nor "prompt", "chosen" and "rejected"`);
  });
  const flat = await scorer.score(items.flatMap((it) => it.seqs));
  let k = 0;
  let right = 0;
  let pairs = 0;
  const lines = items.map((it): RewardLine => {
    if (!it.pair) return { reward: flat[k++] };
    const [chosen_reward, rejected_reward] = [flat[k++], flat[k++]];
    if (it.tie) return { chosen_reward, rejected_reward, correct: null };
    pairs++;
    if (chosen_reward > rejected_reward) right++;
    return { chosen_reward, rejected_reward, correct: chosen_reward > rejected_reward };
  });
  return { lines, pairs, accuracy: pairs ? right / pairs : NaN };
}
