// The benchmark's report: the tables (like InstructGPT's), the targets, and the JSON figures.

import type { EvalResult } from './evaluation-stage';
import type { LabelResult } from './stages';
import type { PMPResult } from './preference-pretraining';
import type { PPORun, RewardStageResult } from './stages-rl';
import type { BenchSettings } from './settings';
import { fmt, pct, policyTable, table, timingTable } from './table';
import { TARGET_AGREEMENT } from './labelers';

const TARGETS = { rmAccRatio: 0.9, ppoWin: 0.7, kl: 10 };

export interface ReportInput {
  labels: LabelResult;
  pmp: PMPResult;
  rm: RewardStageResult;
  sweep: PPORun[];
  ptx: PPORun;
  evaluation: EvalResult;
  stages: Array<{ name: string; seconds: number; cpuSeconds: number; cached: boolean }>;
  /** Held-out evaluation prompts found in a training text (must be none). */
  overlap: string[];
  wallSec: number;
}

export function report(s: BenchSettings, r: ReportInput): Record<string, unknown> {
  const e = r.evaluation;
  const ratio = r.rm.valAccuracy / r.labels.noiseCeiling;
  const ok = { rm: ratio >= TARGETS.rmAccRatio, win: e.winPPO >= TARGETS.ppoWin, kl: e.klPPO < TARGETS.kl, heldOut: r.overlap.length === 0 };
  const say = (b: boolean) => (b ? 'met' : 'MISSED');
  const out: string[] = [];
  out.push(
    `\nRLHF benchmark, seed ${s.seed}${s.quick ? ' (--quick)' : ''}: model ${JSON.stringify(s.model)}, K = ${s.label.temperatures.length} ranked samples at temperatures ${s.label.temperatures.join(', ')}, policies sampled at temperature ${s.temperature}`,
  );
  const n = s.seed;
  out.push(
    `seeds (all from --seed ${n}): prompts ${n}, web text ${n * 31 + 1}, pretraining ${n}, demonstrations ${n * 31 + 2}, SFT ${n + 1}, SFT samples ${(n + 2) * 100}+k, labelers ${n * 31 + 3}, PMP edits ${n * 31 + 4}, RM's fresh blocks and PMP ${n + 6}, RM ${n + 3}, PPO ${n + 4}, evaluation samples ${n + 5}`,
  );
  out.push(
    `\nSimulated labelers: noise σ = ${fmt(r.labels.sigma)} (oracle-score units), two labelers agree on ${pct(r.labels.agreement)} of pairs (target ${pct(TARGET_AGREEMENT)})`,
  );
  out.push(`SFT samples they ranked: ${pct(r.labels.sftCorrect)} correct, ${pct(r.labels.sftStyled)} in the stated style`);
  out.push(
    `\nReward model: ${r.pmp.layers} layers (the SFT model's ${s.model.nLayer} + ${s.rm.extraLayers} fresh), preference-model pretrained on ${s.rm.pmp.notes} web notes each ranked above ${s.rm.pmp.rivals} blind edits (${r.pmp.steps} steps), then ${r.rm.steps} steps on the rankings`,
  );
  out.push(
    table(
      ['reward model (held-out rankings)', 'value'],
      [
        ['RM accuracy vs labelers', pct(r.rm.valAccuracy)],
        ["  (trainer's own count)", pct(r.rm.trainerValAccuracy)],
        ['noise ceiling (oracle vs labelers)', pct(r.labels.noiseCeiling)],
        ['ratio (target >= 0.9)', fmt(ratio)],
      ],
    ),
  );
  out.push('\nWhere the reward model and a labeler agree with the oracle, by what separates the pair (held-out rankings, distinct answers)');
  out.push(
    table(
      ['pair differs in', 'pairs', 'RM agrees', 'labeler agrees'],
      e.rmPairs.map((b) => [b.kind, b.pairs, b.kind === 'oracle tie' ? '-' : pct(b.rm), b.kind === 'oracle tie' ? '-' : pct(b.labeler)]),
    ),
  );
  out.push(`\nHeld-out evaluation: ${e.prompts} prompts, one sample per policy each, judged by the oracle (ties count half)`);
  out.push(
    `held-out prompts found in a training text (web text, demonstrations, rankings, PMP, PPO prompts, PPO-ptx): ${r.overlap.length}${r.overlap.length ? ` (${r.overlap.slice(0, 5).join(', ')}${r.overlap.length > 5 ? ', ...' : ''})` : ''}`,
  );
  out.push(policyTable(e.policies));
  out.push(
    '\n' +
      table(
        ['win rate (oracle)', 'value'],
        [
          [`PPO (β=${s.ppo.beta}) vs SFT`, pct(e.winPPO)],
          [`PPO-ptx vs SFT`, pct(e.winPtx)],
          ['SFT vs base', pct(e.winSftBase)],
          [`mean KL of PPO to SFT (nats/response)`, fmt(e.klPPO)],
        ],
      ),
  );
  out.push('\nβ sweep: reward vs KL');
  out.push(
    table(
      ['β', 'RM score', 'oracle score', 'correct', 'KL to SFT', 'win vs SFT'],
      e.sweep.map((x) => [String(x.beta), x.rm, x.oracle, pct(x.correct), x.kl, pct(x.win)]),
    ),
  );
  if (e.overopt.length > 1) {
    out.push('\nβ = 0 along training (iteration 0 = SFT): over-optimising the reward model shows as a rising RM score with a falling oracle score');
    out.push(
      table(
        ['iteration', 'RM score', 'oracle score', 'correct'],
        e.overopt.map((x) => [x.iteration, x.rm, x.oracle, pct(x.correct)]),
      ),
    );
  }
  out.push('\nPPO training, last iteration');
  out.push(
    table(
      ['run', 'score', 'kl', 'objective', 'entropy', 'response_length'],
      [...r.sweep, r.ptx].map((run) => {
        const m = run.history[run.history.length - 1] ?? {};
        return [run.name, m.score ?? NaN, m.kl ?? NaN, m.objective ?? NaN, m.entropy ?? NaN, m.response_length ?? NaN];
      }),
    ),
  );
  out.push('\n' + timingTable(r.stages));
  out.push(`wall time ${r.wallSec.toFixed(1)} s (2 CPU cores, shared with other work while it ran)`);
  out.push(
    `\nTargets: RM accuracy >= 0.9 x noise ceiling: ${say(ok.rm)} (${fmt(ratio)}); PPO preferred over SFT >= 70%: ${say(ok.win)} (${pct(e.winPPO)}); mean KL < 10 nats: ${say(ok.kl)} (${fmt(e.klPPO)}); held-out prompts in training text = 0: ${say(ok.heldOut)} (${r.overlap.length})`,
  );
  console.log(out.join('\n'));
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return {
    bench: 'rlhf',
    seed: s.seed,
    quick: s.quick,
    labeler_agreement: round(r.labels.agreement),
    labeler_sigma: round(r.labels.sigma),
    rm_layers: r.pmp.layers,
    rm_val_accuracy: round(r.rm.valAccuracy),
    noise_ceiling: round(r.labels.noiseCeiling),
    rm_acc_ratio: round(ratio),
    ppo_win_vs_sft: round(e.winPPO),
    ppo_ptx_win_vs_sft: round(e.winPtx),
    sft_win_vs_base: round(e.winSftBase),
    ppo_kl: round(e.klPPO),
    beta_sweep: e.sweep.map((x) => ({ beta: x.beta, rm_score: round(x.rm), oracle_score: round(x.oracle), kl: round(x.kl) })),
    eval_prompts: e.prompts,
    heldout_overlap: r.overlap.length,
    target_rm_acc_ratio: TARGETS.rmAccRatio,
    target_ppo_win: TARGETS.ppoWin,
    target_kl: TARGETS.kl,
    pass: ok.rm && ok.win && ok.kl && ok.heldOut,
  };
}
