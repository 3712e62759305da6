// DPO in the benchmark: from the SFT policy (also the frozen reference) on the labelers' rankings,
// the same files the reward model trained and validated on, by whole rankings or by pairs (at the
// compute of the whole-ranking run: compare-dpo.ts).

import path from 'node:path';
import { trainDPO, type RLProgress } from '../../ml/index';
import { pairBatch } from './compare-dpo';
import type { BenchSettings } from './settings';

export interface DPORun {
  out: string;
  steps: number;
  metrics: Record<string, number>;
}

/** `maxSteps` (by pairs): the whole-ranking run's steps, the schedule decaying over them; absent, `epochs` decide. */
export async function dpoStage(
  s: BenchSettings,
  dir: string,
  o: { name: string; sft: string; rankings: string; val: string; wholeRankings: boolean; maxSteps?: number },
): Promise<DPORun> {
  const d = s.compare.dpo;
  const r = await trainDPO(
    {
      init: o.sft,
      data: [o.rankings],
      valData: [o.val],
      format: 'rankings',
      wholeRankings: o.wholeRankings,
      includeTies: o.wholeRankings && d.includeTies,
      margin: o.wholeRankings && d.margin,
      out: path.join(dir, o.name),
      beta: d.beta,
      maxLr: d.maxLr,
      minLr: d.maxLr / 10,
      warmupSteps: 10,
      epochs: d.epochs,
      maxSteps: o.maxSteps ?? 0,
      batchSize: o.wholeRankings ? d.batchSize : pairBatch(s),
      klPrompts: 16,
      klMaxNewTokens: s.maxNewTokens,
      seed: s.seed + 7,
      worker: false,
    },
    {
      onProgress: (p: RLProgress) => {
        if (p.event !== 'eval' && p.event !== 'done') return;
        const m = p.metrics;
        const f = (k: string) => (typeof m[k] === 'number' ? `${k} ${m[k].toFixed(3)}` : '');
        console.log(
          `  ${o.name} ${p.event} step ${p.step}/${p.steps} ${[f('loss'), f('val_rewards/accuracies'), f('val_rewards/margins'), f('kl')].filter(Boolean).join(' ')}`,
        );
      },
    },
  );
  return { out: r.out, steps: r.steps, metrics: r.metrics };
}
