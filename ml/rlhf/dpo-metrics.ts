// DPO's metrics, with TRL's names, from the policy's and the reference's sequence log-probs of a
// set of groups: the implicit reward of an answer is β·(log π − log π_ref).

import type { DPOLossOptions } from '../losses';
import type { RewardGroup } from './reward-data';

/** −log σ(x), stable. */
const nls = (x: number) => Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** ℓ(h) of one directed pair, as dpoPairLoss computes it (float64). */
export function dpoPairTerm(h: number, o: DPOLossOptions, margin = 0): number {
  if (o.lossType === 'ipo') return (h - 1 / (2 * o.beta)) ** 2;
  const x = o.beta * h - margin;
  const eps = o.lossType === 'cdpo' ? (o.labelSmoothing ?? 0) : 0;
  return (1 - eps) * nls(x) + eps * nls(-x);
}

export type DPOMetrics = Record<
  'loss' | 'rewards/chosen' | 'rewards/rejected' | 'rewards/accuracies' | 'rewards/margins' | 'logps/chosen' | 'logps/rejected',
  number
>;

/**
 * The loss (mean over groups of the mean over each group's comparisons, ties as two half-weighted
 * directions: what the training graph minimises) and, over the strict pairs, TRL's reward and log-prob means.
 */
export function dpoMetrics(
  groups: readonly RewardGroup[],
  logps: readonly (readonly number[])[],
  ref: readonly (readonly number[])[],
  o: DPOLossOptions & { margin: boolean },
): DPOMetrics {
  let loss = 0;
  let n = 0;
  const sum = { rc: 0, rr: 0, right: 0, lc: 0, lr: 0 };
  groups.forEach((g, i) => {
    const r = (k: number) => logps[i][k] - ref[i][k];
    let l = 0;
    for (const c of g.pairs) {
      const h = r(c.win) - r(c.lose);
      const m = o.margin ? c.margin : 0;
      l += c.tie ? 0.5 * dpoPairTerm(h, o) + 0.5 * dpoPairTerm(-h, o) : dpoPairTerm(h, o, m);
      if (c.tie) continue;
      n++;
      sum.rc += o.beta * r(c.win);
      sum.rr += o.beta * r(c.lose);
      if (r(c.win) > r(c.lose)) sum.right++;
      sum.lc += logps[i][c.win];
      sum.lr += logps[i][c.lose];
    }
    loss += l / g.pairs.length;
  });
  const avg = (x: number) => (n ? x / n : NaN);
  return {
    loss: loss / groups.length,
    'rewards/chosen': avg(sum.rc),
    'rewards/rejected': avg(sum.rr),
    'rewards/accuracies': avg(sum.right),
    'rewards/margins': avg(sum.rc - sum.rr),
    'logps/chosen': avg(sum.lc),
    'logps/rejected': avg(sum.lr),
  };
}
