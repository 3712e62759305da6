// `bench:rlhf -- --compare` for one seed: the shared stages (pipeline.ts; with --from, read from a
// kept folder), then every method in its own child process (compare-jobs.ts), the oracle's
// evaluation (compare-eval.ts), DPO's budgets (compare-dpo.ts), the memory probe
// (compare-memory.ts), the table and the targets (compare-targets.ts), and ONE JSON line. See
// bench/rlhf.ts's header.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fmtCount, loadCheckpoint, paramCount } from '../../ml/index';
import { METHODS, runChild, type ChildJob, type ChildResult, type Method } from './compare-jobs';
import { evaluateCompare } from './compare-eval';
import { dpoBudgets, rankingCounts, type DPOBudget } from './compare-dpo';
import { memoryProbe, modelStateBytes, type MemoryProbe, type ProbeRun } from './compare-memory';
import { COMPARE_TARGETS, seedChecks, type CompareRow, type SeedChecks, type SeedLine } from './compare-targets';
import { claimSharedDir, keptStageRunner, sharedStages, stageRunner } from './pipeline';
import type { BenchSettings } from './settings';
import { fmt, pct, table, timingTable } from './table';
import { heldOutOverlap } from './tasks';

const round = (x: number) => Math.round(x * 10000) / 10000;

export interface CompareOptions {
  /** The comparison's own outputs (and, without `from`, the shared stages'). */
  dir: string;
  /** Read results already in `dir` back (--dir). */
  reuse: boolean;
  /** --set overrides (each child applies them as this process did). */
  overrides?: string[];
  /** --from: a kept folder whose shared stages are read back, never rerun (keyed: pipeline.ts). */
  from?: string;
}

export async function runCompare(s: BenchSettings, o: CompareOptions): Promise<Record<string, unknown>> {
  const { dir, reuse, overrides = [] } = o;
  const t0 = performance.now();
  const load0 = loadavg()[0];
  console.log(
    `bench:rlhf --compare  seed ${s.seed}${s.quick ? '  --quick' : ''}  stage outputs in ${dir}${o.from ? `, shared stages read from ${o.from}` : ''}  (load average ${load0.toFixed(1)})`,
  );
  const { stage, timings } = stageRunner(dir, reuse);
  const kept = o.from ? keptStageRunner(o.from, s) : undefined;
  if (kept) claimSharedDir(dir, s); // its compare-* results are as stale as a shared stage's would be
  const sh = kept ? await sharedStages(s, o.from!, kept.stage, dir) : await sharedStages(s, dir, stage);
  // each held-out prompt evalSamples times: every copy is sampled on its own and judged against its own SFT sample
  const evalPrompts = Array.from({ length: s.compare.evalSamples }, () => sh.sets.eval.map((t) => t.prompt)).flat();
  const base = {
    seed: s.seed,
    quick: s.quick,
    overrides,
    prompts: sh.prompts,
    ptxData: sh.base.text,
    rankings: sh.labels.train,
    rankingsVal: sh.labels.val,
    evalPrompts,
  };
  const job = (method: Method, extra: Partial<ChildJob> = {}): ChildJob => ({ ...base, method, dir, sft: sh.sft.out, rm: sh.rm.out, ...extra });
  const results: ChildResult[] = [];
  for (const m of METHODS) {
    // DPO by pairs takes as many optimizer steps as DPO by whole rankings took (compare-dpo.ts)
    const rankingSteps = results.find((r) => r.method === 'dpo-rankings')?.steps;
    if (m === 'dpo-pairs' && !rankingSteps) throw new Error(`the dpo-rankings result in ${dir} has no step count (an older run's): remove it and rerun`);
    results.push(await stage(`compare-${m}`, () => runChild(job(m, m === 'dpo-pairs' ? { maxSteps: rankingSteps } : {}))));
  }
  const { rows, wholeVsPairs } = await stage('compare-evaluate', () => evaluateCompare(s, { sft: sh.sft.out, rm: sh.rm.out }, results, evalPrompts));
  const params = { policy: paramCount(loadCheckpoint(sh.sft.out).config), reward: paramCount(loadCheckpoint(sh.rm.out).config) };
  for (const r of rows) if (r.method !== 'sft') r.modelStateMb = modelStateBytes(r.method, params) / 2 ** 20;
  const probed = s.compare.memoryProbe.nLayer > 0 ? await stage('compare-memory-probe', () => memoryProbe(s, dir, base)) : undefined;
  // a probe cached by an older run holds one run of each, without `runs`
  const probe = probed && { ...probed, runs: probed.runs ?? { ppo: [probed.ppo], rloo: [probed.rloo] } };
  const dpoSteps = { rankings: results.find((r) => r.method === 'dpo-rankings')!.steps!, pairs: results.find((r) => r.method === 'dpo-pairs')!.steps! };
  const budgets = dpoBudgets(s, rankingCounts(sh.labels.train), dpoSteps);

  const trainingFiles = [sh.base.text, sh.sft.data, sh.labels.train, sh.labels.val, path.join(sh.dir, 'pmp.jsonl'), sh.prompts];
  const overlap = heldOutOverlap(
    sh.sets.eval,
    trainingFiles.map((f) => readFileSync(f, 'utf8')),
  );
  const c = seedChecks(rows, wholeVsPairs.se, probe);
  const wallSec = (performance.now() - t0) / 1000;
  const load1 = loadavg()[0];
  printReport(s, rows, c, { budgets, probe, params }, overlap.length, [...(kept?.timings ?? []), ...timings], wallSec, [load0, load1]);

  const line: SeedLine = {
    seed: s.seed,
    dpo_win_vs_sft: round(c.dpoWin),
    dpo_pairs_win_vs_sft: round(c.dpoPairsWin),
    whole_minus_pairs: round(c.wholeMinusPairs),
    whole_minus_pairs_se: round(c.wholeMinusPairsSe),
    ppo_win_vs_sft: round(c.ppoWin),
    rloo_win_vs_sft: round(c.rlooWin),
    rloo_mem_ratio: round(c.rlooMemRatio),
    rloo_mem_basis: c.rlooMemBasis,
    heldout_overlap: overlap.length,
    ok: c.ok,
  };
  const klOf = (m: string) => rows.find((r) => r.method === m)?.kl;
  const budget = (b: DPOBudget) => ({
    steps: b.steps,
    batch: b.batch,
    answers_per_step: round(b.answersPerStep),
    comparisons_seen: Math.round(b.comparisonsSeen),
    passes: round(b.passes),
  });
  const probeRun = (r: ProbeRun) => ({
    peak_rss_mb: Math.round(r.peakRssMb),
    above_start_mb: Math.round(r.peakRssMb - r.startRssMb),
    wall_sec: Math.round(r.wallSec),
  });
  return {
    bench: 'rlhf-compare',
    quick: s.quick,
    ...line,
    rloo_win_gap: round(c.rlooWinGap),
    // DPO: whole rankings vs pairs of the same rankings at the same compute (compare-dpo.ts)
    dpo_whole_vs_pairs: {
      basis: 'same compute: equal optimizer steps, answers through the model per step and learning-rate schedule, from the same rankings',
      rankings: { ...budget(budgets.rankings), kl_to_sft: round(klOf('dpo-rankings') ?? NaN) },
      pairs: { ...budget(budgets.pairs), kl_to_sft: round(klOf('dpo-pairs') ?? NaN) },
    },
    // memory (compare-memory.ts): the judged ratio is rloo_mem_ratio, on rloo_mem_basis
    memory: {
      bench: {
        policy_params: params.policy,
        reward_params: params.reward,
        rloo_over_ppo_total: round(c.rlooMemRatioTotal),
        rloo_over_ppo_above_start: round(c.rlooMemRatioAboveStart),
        rloo_over_ppo_model_state: round(c.rlooStateRatio),
      },
      ...(probe
        ? {
            probe: {
              policy_params: probe.policyParams,
              reward_params: probe.rewardParams,
              // the median run of each method (judged), and every run's peak above its start
              ppo: probeRun(probe.ppo),
              rloo: probeRun(probe.rloo),
              runs_above_start_mb: {
                ppo: probe.runs.ppo.map((r) => Math.round(r.peakRssMb - r.startRssMb)),
                rloo: probe.runs.rloo.map((r) => Math.round(r.peakRssMb - r.startRssMb)),
              },
              rloo_over_ppo_total: round(c.rlooMemRatioProbeTotal!),
              rloo_over_ppo_above_start: round(c.rlooMemRatioProbe!),
              rloo_over_ppo_model_state: round(
                modelStateBytes('rloo', { policy: probe.policyParams, reward: probe.rewardParams }) /
                  modelStateBytes('ppo', { policy: probe.policyParams, reward: probe.rewardParams }),
              ),
            },
          }
        : {}),
    },
    rows: rows.map((r) => ({
      method: r.method,
      win_vs_sft: r.win === undefined ? null : round(r.win),
      oracle_score: round(r.oracle),
      correct: round(r.correct),
      kl_to_sft: r.kl === undefined ? null : round(r.kl),
      ...(r.klAnalytic ? { kl_analytic: true } : {}),
      wall_sec: r.wallSec === undefined ? null : Math.round(r.wallSec),
      peak_rss_mb: r.peakRssMb === undefined ? null : Math.round(r.peakRssMb),
      above_start_mb: r.peakRssMb === undefined ? null : Math.round(r.peakRssMb - r.startRssMb!),
      model_state_mb: r.modelStateMb === undefined ? null : round(r.modelStateMb),
    })),
    eval_prompts: sh.sets.eval.length,
    eval_samples_per_prompt: s.compare.evalSamples,
    ...(o.from ? { shared_from: o.from } : {}),
    wall_sec: Math.round(wallSec),
    load_avg: [round(load0), round(load1)],
    target_dpo_win: COMPARE_TARGETS.dpoWin,
    target_rloo_win_gap: COMPARE_TARGETS.rlooWinGap,
    target_rloo_mem_ratio: COMPARE_TARGETS.rlooMemRatio,
    whole_minus_pairs_lower: round(c.wholeMinusPairsLower),
    target_whole_minus_pairs_lower: -COMPARE_TARGETS.wholeVsPairs.margin,
    pass: Object.values(c.ok).every(Boolean) && overlap.length === 0,
  };
}

function printReport(
  s: BenchSettings,
  rows: CompareRow[],
  c: SeedChecks,
  x: { budgets: ReturnType<typeof dpoBudgets>; probe?: MemoryProbe; params: { policy: number; reward: number } },
  overlap: number,
  timings: Parameters<typeof timingTable>[0],
  wallSec: number,
  load: number[],
) {
  const opt = (v: number | undefined, f: (v: number) => string = fmt) => (v === undefined ? '-' : f(v));
  const say = (b: boolean) => (b ? 'met' : 'MISSED');
  const mb = (v: number) => v.toFixed(0);
  const out: string[] = [];
  const { rankings: br, pairs: bp } = x.budgets;
  out.push(
    `\nRLHF methods compared, seed ${s.seed}${s.quick ? ' (--quick)' : ''}: ${s.evalPrompts} held-out prompts, ${s.compare.evalSamples === 1 ? 'one sample' : `${s.compare.evalSamples} samples`} per policy each at temperature ${s.temperature}, judged by the oracle against SFT's (ties half)`,
  );
  out.push(
    `PPO/RLOO/GRPO: ${s.ppo.iterations} iterations x ${s.ppo.rolloutBatch} answers, β = ${s.ppo.beta}, lr ${s.ppo.lr} (RLOO ${s.compare.groupLr.rloo}, GRPO ${s.compare.groupLr.grpo}); DPO: β = ${s.compare.dpo.beta}, lr ${s.compare.dpo.maxLr}, ` +
      `at the same compute by rankings and by pairs: ${br.steps} steps each, ${fmt(br.answersPerStep)} answers per step by rankings (${br.batch} rankings, ${fmt(br.passes)} passes, ${Math.round(br.comparisonsSeen)} comparisons seen), ` +
      `${bp.answersPerStep} by pairs (${bp.batch} pairs, ${fmt(bp.passes)} passes, ${Math.round(bp.comparisonsSeen)} comparisons seen)`,
  );
  out.push(
    `wall time and memory: each method's child process (wall: its work after start-up; peak: getrusage maxRSS of the child; "+": the part above its RSS before any model; ` +
      `state: the model state the method holds by definition, 16 B per trained and 4 B per frozen parameter; policy ${fmtCount(x.params.policy)}, reward model ${fmtCount(x.params.reward)} parameters)`,
  );
  out.push(
    table(
      ['method', 'win vs SFT', 'oracle score', 'correct', 'styled', 'RM score', 'KL to SFT (nats)', 'wall (s)', 'peak RSS (MB)', 'state (MB)'],
      rows.map((r) => [
        r.name,
        opt(r.win, pct),
        r.oracle,
        pct(r.correct),
        pct(r.styled),
        r.rm,
        r.kl === undefined ? '-' : `${fmt(r.kl)}${r.klAnalytic ? ' (analytic)' : ''}`,
        opt(r.wallSec, (v) => v.toFixed(1)),
        r.peakRssMb === undefined ? '-' : `${mb(r.peakRssMb)} (+${mb(r.peakRssMb - r.startRssMb!)})`,
        opt(r.modelStateMb, (v) => v.toFixed(1)),
      ]),
    ),
  );
  if (x.probe) {
    const p = x.probe;
    const row = (name: string, r: ProbeRun, m: 'ppo' | 'rloo') => [
      name,
      `${mb(r.peakRssMb)} (+${mb(r.peakRssMb - r.startRssMb)})`,
      (modelStateBytes(m, { policy: p.policyParams, reward: p.rewardParams }) / 2 ** 20).toFixed(0),
      r.wallSec.toFixed(1),
    ];
    out.push(
      `\nMemory probe: one iteration of PPO and of RLOO (k = ${s.compare.groupSize}, ${s.compare.memoryProbe.rolloutBatch} answers) on random models of ${fmtCount(p.policyParams)} (policy) and ${fmtCount(p.rewardParams)} (reward and value) parameters, each in its own child, ${p.runs.ppo.length} time(s) each (* the median run, judged)`,
    );
    const rows = (m: 'ppo' | 'rloo', name: string) =>
      p.runs[m].map((r, i) => row(`${name} #${i + 1}${r.peakRssMb === p[m].peakRssMb && r.startRssMb === p[m].startRssMb ? ' *' : ''}`, r, m));
    out.push(table(['run', 'peak RSS (MB)', 'state (MB)', 'wall (s)'], [...rows('ppo', 'PPO'), ...rows('rloo', `RLOO k=${s.compare.groupSize}`)]));
  }
  out.push('\n' + timingTable(timings));
  out.push("(CPU time is this process's: the compare-* methods ran in child processes, their wall time is in the table above)");
  out.push(
    `wall time ${wallSec.toFixed(1)} s on 2 CPU cores shared with other work (load average ${load.map((v) => v.toFixed(1)).join(' at the start, ')} at the end)`,
  );
  out.push(`held-out prompts found in a training or validation text: ${overlap}`);
  const probeSay = c.rlooMemRatioProbe === undefined ? '' : `; probe above start ${fmt(c.rlooMemRatioProbe)}, total ${fmt(c.rlooMemRatioProbeTotal!)}`;
  out.push(
    `\nTargets: DPO (whole rankings) preferred over SFT >= ${pct(COMPARE_TARGETS.dpoWin)}: ${say(c.ok.dpoWin)} (${pct(c.dpoWin)}); ` +
      `RLOO within ${COMPARE_TARGETS.rlooWinGap * 100} points of PPO: ${say(c.ok.rlooWin)} (${pct(c.rlooWin)} vs ${pct(c.ppoWin)}); ` +
      `RLOO memory <= ${COMPARE_TARGETS.rlooMemRatio} x PPO's, judged on the ${c.rlooMemBasis}: ${say(c.ok.rlooMem)} (${fmt(c.rlooMemRatio)}; ` +
      `bench size: total ${fmt(c.rlooMemRatioTotal)}, above start ${fmt(c.rlooMemRatioAboveStart)}, model state ${fmt(c.rlooStateRatio)}${probeSay}); ` +
      `DPO whole rankings at least as good as pairs at the same compute (95 % lower bound of the difference >= −${100 * COMPARE_TARGETS.wholeVsPairs.margin} points): ` +
      `${say(c.ok.wholeVsPairs)} (${(100 * c.wholeMinusPairs).toFixed(1)} ± ${(100 * c.wholeMinusPairsSe).toFixed(1)} points, bound ${(100 * c.wholeMinusPairsLower).toFixed(1)})`,
  );
  console.log(out.join('\n'));
}
