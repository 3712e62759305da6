// The comparison's evaluation: compare.evalSamples samples per policy per held-out prompt (the same sampling
// settings and seed for every policy, as in evaluation-stage.ts), judged by the oracle against
// SFT's; best-of-N's picks come from its child. KL to SFT on each policy's own samples. DPO from whole
// rankings against DPO from pairs: verdict by verdict (both against the same SFT samples), clustered by prompt.

import { readFileSync } from 'node:fs';
import type { ChildResult, Method } from './compare-jobs';
import { bestOfNKL, pairedDifference, type CompareRow, type PairedDifference } from './compare-targets';
import { meanKL, oracleSummary, outcomes } from './evaluate';
import { samplePolicy, type Samples } from './policy';
import { mean } from './seeds';
import type { BenchSettings } from './settings';
import { meanRMScore } from './stages-rl';

const NAMES: Record<Method, (s: BenchSettings) => string> = {
  'best-of-n': (s) => `best-of-${s.compare.bestOfN} (SFT)`,
  ppo: (s) => `PPO β=${s.ppo.beta}`,
  rloo: (s) => `RLOO k=${s.compare.groupSize}`,
  grpo: (s) => `GRPO k=${s.compare.groupSize}`,
  'dpo-pairs': () => 'DPO (pairs)',
  'dpo-rankings': () => 'DPO (whole rankings)',
};

export async function evaluateCompare(
  s: BenchSettings,
  m: { sft: string; rm: string },
  results: ReadonlyArray<ChildResult>,
  prompts: readonly string[],
): Promise<{ rows: CompareRow[]; wholeVsPairs: PairedDifference }> {
  const sample = (dir: string) => samplePolicy(dir, prompts, { seed: s.seed + 5, temperature: s.temperature, maxNewTokens: s.maxNewTokens });
  const sft = await sample(m.sft);
  const base = async (smp: Samples) => {
    const o = oracleSummary(smp);
    return { oracle: o.score, correct: o.correct, styled: o.styled, rm: await meanRMScore(m.rm, smp) };
  };
  const rows: CompareRow[] = [{ method: 'sft', name: 'SFT', ...(await base(sft)) }];
  const verdicts = new Map<Method, number[]>();
  for (const r of results) {
    const bon = r.method === 'best-of-n';
    const smp = bon ? (JSON.parse(readFileSync(r.out, 'utf8')) as Samples) : await sample(r.out);
    const v = outcomes(smp, sft);
    verdicts.set(r.method, v);
    rows.push({
      method: r.method,
      name: NAMES[r.method](s),
      win: mean(v),
      ...(await base(smp)),
      kl: bon ? bestOfNKL(s.compare.bestOfN) : await meanKL(smp, m.sft),
      klAnalytic: bon,
      wallSec: r.wallSec,
      peakRssMb: r.peakRssMb,
      startRssMb: r.startRssMb,
    });
  }
  const [whole, pairs] = [verdicts.get('dpo-rankings'), verdicts.get('dpo-pairs')];
  if (!whole || !pairs) throw new Error('the comparison has no dpo-rankings or dpo-pairs result');
  return {
    rows,
    wholeVsPairs: pairedDifference(
      whole.map((w, i) => w - pairs[i]),
      sft.prompts,
    ),
  };
}
