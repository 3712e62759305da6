// The final evaluation: the oracle judges one sample per policy per held-out prompt. Win rates
// (ties count half), mean oracle score, correct and styled fractions, the KL of a policy to
// the SFT reference on its own samples, and where the reward model agrees with the oracle.

import { readFileSync } from 'node:fs';
import { rewardInput, RewardScorer } from '../../ml/index';
import { relations } from './labelers';
import { judge, oracleCompare } from './oracle';
import { promptIds, responseLogprob, tok, type Samples } from './policy';
import { mean } from './seeds';

/** The oracle's verdict on a's answer against b's, prompt by prompt: 1 a's better, 0.5 a tie, 0 b's better. */
export function outcomes(a: Samples, b: Samples): number[] {
  if (a.prompts.length !== b.prompts.length) throw new Error('outcomes: the two policies answered different prompt lists');
  return a.prompts.map((p, i) => {
    if (b.prompts[i] !== p) throw new Error(`outcomes: prompt ${i} differs ("${p}" vs "${b.prompts[i]}")`);
    const c = oracleCompare(p, a.texts[i], b.texts[i]);
    return c > 0 ? 1 : c === 0 ? 0.5 : 0;
  });
}

/** How often the oracle prefers a's answer to b's on the same prompt; a tie counts half. */
export function winRate(a: Samples, b: Samples): number {
  return mean(outcomes(a, b));
}

export interface OracleSummary {
  score: number;
  correct: number;
  styled: number;
  length: number;
}

export function oracleSummary(s: Samples): OracleSummary {
  const js = s.prompts.map((p, i) => judge(p, s.texts[i]));
  const mean = (f: (i: number) => number) => js.reduce((a, _, i) => a + f(i), 0) / js.length;
  return {
    score: mean((i) => js[i].score),
    correct: mean((i) => (js[i].correct ? 1 : 0)),
    styled: mean((i) => (js[i].styled ? 1 : 0)),
    length: mean((i) => s.tokens[i].length),
  };
}

/**
 * Mean per-response KL(π ‖ π_ref) in nats, estimated on π's own samples at temperature 1:
 * Σ_t log π(y_t) − log π_ref(y_t), averaged over responses.
 */
export async function meanKL(s: Samples, reference: string): Promise<number> {
  const ref = await responseLogprob(reference, s.prompts.map(promptIds), s.tokens);
  let sum = 0;
  s.logprobs.forEach((lp, i) => (sum += lp.reduce((a, b) => a + b, 0) - ref[i]));
  return sum / s.prompts.length;
}

export interface PairBreakdown {
  /** What separates the two answers in the oracle's eyes. */
  kind: 'correctness' | 'style' | 'closeness' | 'oracle tie';
  pairs: number;
  /** How often the reward model orders the pair as the oracle does (an RM tie counts half). */
  rm: number;
  /** How often the labeler orders the pair as the oracle does (a labeler tie counts half). */
  labeler: number;
}

/** On the held-out rankings (pairs of distinct answers): where the reward model and the labelers agree with the oracle. */
export async function rmBreakdown(rm: string, valRankings: string): Promise<PairBreakdown[]> {
  const rows = readFileSync(valRankings, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { prompt: Array<{ role: 'user'; content: string }>; responses: string[]; tiers: number[][] });
  const scorer = await RewardScorer.load(rm, { intraOpThreads: 2 });
  const acc = new Map<PairBreakdown['kind'], PairBreakdown>();
  const credit = (a: number, b: number) => (a === b ? 1 : a === 0 || b === 0 ? 0.5 : 0);
  try {
    for (const row of rows) {
      const prompt = row.prompt[0].content;
      const r = await scorer.score(row.responses.map((x) => rewardInput(tok, row.prompt, x)));
      const js = row.responses.map((x) => judge(prompt, x));
      const rel = relations(row.tiers, row.responses.length);
      for (let i = 0; i < js.length; i++)
        for (let j = i + 1; j < js.length; j++) {
          if (row.responses[i] === row.responses[j]) continue;
          const o = oracleCompare(prompt, row.responses[i], row.responses[j]);
          const kind = o === 0 ? 'oracle tie' : js[i].correct !== js[j].correct ? 'correctness' : js[i].styled !== js[j].styled ? 'style' : 'closeness';
          const b = acc.get(kind) ?? { kind, pairs: 0, rm: 0, labeler: 0 };
          b.pairs++;
          b.rm += o === 0 ? 0 : credit(o, Math.sign(r[i] - r[j]));
          b.labeler += o === 0 ? 0 : credit(o, rel[i][j]);
          acc.set(kind, b);
        }
    }
  } finally {
    await scorer.dispose();
  }
  return [...acc.values()].map((b) => ({ ...b, rm: b.rm / b.pairs, labeler: b.labeler / b.pairs }));
}
