// The development-set judgement dev.ts tunes PPO on: two samples per RM-validation prompt (prompts the
// policy never trains on, never the held-out evaluation prompts), from SFT and from the trained policy.

import { meanKL, oracleSummary, winRate } from './evaluate';
import { samplePolicy } from './policy';
import type { BenchSettings } from './settings';
import { meanRMScore } from './stages-rl';
import type { Task } from './tasks';

const round = (x: number) => Math.round(x * 10000) / 10000;

export async function evaluateDev(s: BenchSettings, m: { sft: string; rm: string; policy: string }, dev: readonly Task[]): Promise<Record<string, number>> {
  const { sft, rm, policy } = m;
  const prompts = [...dev, ...dev].map((t) => t.prompt);
  // a sampling seed of its own (the evaluation uses seed + 5)
  const sample = (d: string) => samplePolicy(d, prompts, { seed: s.seed + 1000, temperature: s.temperature, maxNewTokens: s.maxNewTokens });
  const ref = await sample(sft);
  const pol = await sample(policy);
  const o = oracleSummary(pol);
  const r = oracleSummary(ref);
  return {
    dev_samples: prompts.length,
    dev_win_vs_sft: round(winRate(pol, ref)),
    dev_kl: round(await meanKL(pol, sft)),
    dev_correct: round(o.correct),
    dev_styled: round(o.styled),
    dev_sft_correct: round(r.correct),
    dev_sft_styled: round(r.styled),
    dev_rm: round(await meanRMScore(rm, pol)),
    dev_sft_rm: round(await meanRMScore(rm, ref)),
  };
}
