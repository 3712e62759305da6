// The final evaluation stage: one sample per policy per held-out prompt (same sampling settings
// and seed for every policy), judged by the oracle; the reward model's view and the KL to SFT
// beside it; the over-optimisation curve of the β = 0 run from its snapshots.

import { meanKL, oracleSummary, rmBreakdown, winRate, type PairBreakdown } from './evaluate';
import { samplePolicy, type Samples } from './policy';
import type { BenchSettings } from './settings';
import { meanRMScore, type PPORun } from './stages-rl';
import type { PolicyRow } from './table';
import type { Task } from './tasks';

export interface EvalResult {
  prompts: number;
  policies: PolicyRow[];
  winPPO: number;
  winPtx: number;
  winSftBase: number;
  klPPO: number;
  sweep: Array<{ beta: number; rm: number; oracle: number; correct: number; kl: number; win: number }>;
  /** β = 0: RM score and oracle score of the policy along training (iteration 0 = SFT). */
  overopt: Array<{ iteration: number; rm: number; oracle: number; correct: number }>;
  /** The reward model and the labelers against the oracle on the held-out rankings, by kind of pair. */
  rmPairs: PairBreakdown[];
}

export async function evaluateStage(
  s: BenchSettings,
  m: { base: string; sft: string; rm: string; rmVal: string; sweep: PPORun[]; ptx: PPORun },
  tasks: readonly Task[],
): Promise<EvalResult> {
  const prompts = tasks.map((t) => t.prompt);
  const sample = (dir: string) => samplePolicy(dir, prompts, { seed: s.seed + 5, temperature: s.temperature, maxNewTokens: s.maxNewTokens });
  const row = async (name: string, dir: string, smp: Samples, sftSamples?: Samples): Promise<PolicyRow> => {
    const o = oracleSummary(smp);
    return {
      name,
      oracle: o.score,
      correct: o.correct,
      styled: o.styled,
      length: o.length,
      rm: await meanRMScore(m.rm, smp),
      kl: sftSamples ? await meanKL(smp, m.sft) : undefined,
      winVsSft: sftSamples ? winRate(smp, sftSamples) : undefined,
    };
  };
  const base = await sample(m.base);
  const sft = await sample(m.sft);
  const policies = [await row('base (pretrained)', m.base, base), await row('SFT', m.sft, sft)];
  policies[0].winVsSft = winRate(base, sft);

  const sweep: EvalResult['sweep'] = [];
  let main: PolicyRow | undefined;
  for (const run of m.sweep) {
    const r = await row(`PPO β=${run.beta}`, run.out, await sample(run.out), sft);
    policies.push(r);
    sweep.push({ beta: run.beta, rm: r.rm!, oracle: r.oracle, correct: r.correct, kl: r.kl!, win: r.winVsSft! });
    if (run.beta === s.ppo.beta) main = r;
  }
  const ptx = await row(`PPO-ptx β=${m.ptx.beta} γ=${m.ptx.ptxCoef}`, m.ptx.out, await sample(m.ptx.out), sft);
  policies.push(ptx);
  if (!main) throw new Error(`the β sweep has no run at the main β = ${s.ppo.beta}`);

  const overopt: EvalResult['overopt'] = [{ iteration: 0, rm: policies[1].rm!, oracle: policies[1].oracle, correct: policies[1].correct }];
  const zero = m.sweep.find((r) => r.beta === 0);
  if (zero) {
    for (const snap of zero.snapshots) {
      const smp = await sample(snap.dir);
      const o = oracleSummary(smp);
      overopt.push({ iteration: snap.iteration, rm: await meanRMScore(m.rm, smp), oracle: o.score, correct: o.correct });
    }
    const last = sweep.find((x) => x.beta === 0)!;
    overopt.push({ iteration: s.ppo.iterations, rm: last.rm, oracle: last.oracle, correct: last.correct });
  }
  return {
    prompts: prompts.length,
    policies,
    winPPO: main.winVsSft!,
    winPtx: ptx.winVsSft!,
    winSftBase: 1 - policies[0].winVsSft!,
    klPPO: main.kl!,
    sweep,
    overopt,
    rmPairs: await rmBreakdown(m.rm, m.rmVal),
  };
}
