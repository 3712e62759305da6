// `bench:rlhf -- --compare` for one seed: the shared stages (pipeline.ts), then every method in its
// own child process (compare-jobs.ts), the oracle's evaluation (compare-eval.ts), the table and
// the targets (compare-targets.ts), and ONE JSON line. See bench/rlhf.ts's header.

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { METHODS, runChild, type ChildJob, type ChildResult, type Method } from './compare-jobs';
import { evaluateCompare } from './compare-eval';
import { COMPARE_TARGETS, seedChecks, type CompareRow, type SeedLine } from './compare-targets';
import { sharedStages, stageRunner } from './pipeline';
import type { BenchSettings } from './settings';
import { fmt, pct, table, timingTable } from './table';
import { heldOutOverlap } from './tasks';

const round = (x: number) => Math.round(x * 10000) / 10000;

export async function runCompare(s: BenchSettings, dir: string, reuse: boolean, overrides: string[] = []): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const load0 = loadavg()[0];
  console.log(`bench:rlhf --compare  seed ${s.seed}${s.quick ? '  --quick' : ''}  stage outputs in ${dir}  (load average ${load0.toFixed(1)})`);
  const { stage, timings } = stageRunner(dir, reuse);
  const sh = await sharedStages(s, dir, stage);
  const evalPrompts = sh.sets.eval.map((t) => t.prompt);
  const job = (method: Method): ChildJob => ({
    method,
    seed: s.seed,
    quick: s.quick,
    overrides,
    dir,
    sft: sh.sft.out,
    rm: sh.rm.out,
    prompts: sh.prompts,
    ptxData: sh.base.text,
    rankings: sh.labels.train,
    rankingsVal: sh.labels.val,
    evalPrompts,
  });
  const results: ChildResult[] = [];
  for (const m of METHODS) results.push(await stage(`compare-${m}`, () => runChild(job(m))));
  const rows = await stage('compare-evaluate', () => evaluateCompare(s, { sft: sh.sft.out, rm: sh.rm.out }, results, evalPrompts));

  const trainingFiles = [sh.base.text, sh.sft.data, sh.labels.train, sh.labels.val, path.join(dir, 'pmp.jsonl'), sh.prompts];
  const overlap = heldOutOverlap(
    sh.sets.eval,
    trainingFiles.map((f) => readFileSync(f, 'utf8')),
  );
  const c = seedChecks(rows);
  const wallSec = (performance.now() - t0) / 1000;
  const load1 = loadavg()[0];
  printReport(s, rows, c, overlap.length, timings, wallSec, [load0, load1]);

  const line: SeedLine = {
    seed: s.seed,
    dpo_win_vs_sft: round(c.dpoWin),
    dpo_pairs_win_vs_sft: round(c.dpoPairsWin),
    whole_minus_pairs: round(c.wholeMinusPairs),
    ppo_win_vs_sft: round(c.ppoWin),
    rloo_win_vs_sft: round(c.rlooWin),
    rloo_mem_ratio: round(c.rlooMemRatio),
    heldout_overlap: overlap.length,
    ok: c.ok,
  };
  return {
    bench: 'rlhf-compare',
    quick: s.quick,
    ...line,
    rloo_win_gap: round(c.rlooWinGap),
    rloo_mem_ratio_above_start: round(c.rlooMemRatioAboveStart),
    rows: rows.map((r) => ({
      method: r.method,
      win_vs_sft: r.win === undefined ? null : round(r.win),
      oracle_score: round(r.oracle),
      correct: round(r.correct),
      kl_to_sft: r.kl === undefined ? null : round(r.kl),
      ...(r.klAnalytic ? { kl_analytic: true } : {}),
      wall_sec: r.wallSec === undefined ? null : Math.round(r.wallSec),
      peak_rss_mb: r.peakRssMb === undefined ? null : Math.round(r.peakRssMb),
    })),
    eval_prompts: evalPrompts.length,
    wall_sec: Math.round(wallSec),
    load_avg: [round(load0), round(load1)],
    target_dpo_win: COMPARE_TARGETS.dpoWin,
    target_rloo_win_gap: COMPARE_TARGETS.rlooWinGap,
    target_rloo_mem_ratio: COMPARE_TARGETS.rlooMemRatio,
    target_whole_minus_pairs: COMPARE_TARGETS.wholeMinusPairs,
    pass: Object.values(c.ok).every(Boolean) && overlap.length === 0,
  };
}

function printReport(
  s: BenchSettings,
  rows: CompareRow[],
  c: ReturnType<typeof seedChecks>,
  overlap: number,
  timings: Parameters<typeof timingTable>[0],
  wallSec: number,
  load: number[],
) {
  const opt = (x: number | undefined, f: (x: number) => string = fmt) => (x === undefined ? '-' : f(x));
  const say = (b: boolean) => (b ? 'met' : 'MISSED');
  const out: string[] = [];
  out.push(
    `\nRLHF methods compared, seed ${s.seed}${s.quick ? ' (--quick)' : ''}: ${s.evalPrompts} held-out prompts, one sample per policy each at temperature ${s.temperature}, judged by the oracle (ties half)`,
  );
  out.push(
    `PPO/RLOO/GRPO: ${s.ppo.iterations} iterations x ${s.ppo.rolloutBatch} answers, β = ${s.ppo.beta}, lr ${s.ppo.lr}; DPO: β = ${s.compare.dpo.beta}, lr ${s.compare.dpo.maxLr}, ${s.compare.dpo.epochs} epochs, ${s.compare.dpo.batchSize} rankings or ${s.compare.dpo.pairBatch} pairs per step`,
  );
  out.push(
    `wall time and peak memory: each method's child process (wall: its work after start-up; peak: getrusage maxRSS of the child; "+" the part above its RSS once its modules were loaded)`,
  );
  out.push(
    table(
      ['method', 'win vs SFT', 'oracle score', 'correct', 'styled', 'RM score', 'KL to SFT (nats)', 'wall (s)', 'peak RSS (MB)'],
      rows.map((r) => [
        r.name,
        opt(r.win, pct),
        r.oracle,
        pct(r.correct),
        pct(r.styled),
        r.rm,
        r.kl === undefined ? '-' : `${fmt(r.kl)}${r.klAnalytic ? ' (analytic)' : ''}`,
        opt(r.wallSec, (x) => x.toFixed(1)),
        r.peakRssMb === undefined ? '-' : `${r.peakRssMb.toFixed(0)} (+${(r.peakRssMb - r.startRssMb!).toFixed(0)})`,
      ]),
    ),
  );
  out.push('\n' + timingTable(timings));
  out.push("(CPU time is this process's: the compare-* methods ran in child processes, their wall time is in the table above)");
  out.push(
    `wall time ${wallSec.toFixed(1)} s on 2 CPU cores shared with other work (load average ${load.map((x) => x.toFixed(1)).join(' at the start, ')} at the end)`,
  );
  out.push(`held-out prompts found in a training or validation text: ${overlap}`);
  out.push(
    `\nTargets: DPO (whole rankings) preferred over SFT >= ${pct(COMPARE_TARGETS.dpoWin)}: ${say(c.ok.dpoWin)} (${pct(c.dpoWin)}); ` +
      `RLOO within ${COMPARE_TARGETS.rlooWinGap * 100} points of PPO: ${say(c.ok.rlooWin)} (${pct(c.rlooWin)} vs ${pct(c.ppoWin)}); ` +
      `RLOO peak RSS <= ${COMPARE_TARGETS.rlooMemRatio} x PPO's: ${say(c.ok.rlooMem)} (${fmt(c.rlooMemRatio)}; above start ${fmt(c.rlooMemRatioAboveStart)}); ` +
      `DPO whole rankings >= pairs: ${say(c.ok.wholeVsPairs)} (${(100 * c.wholeMinusPairs).toFixed(1)} points)`,
  );
  console.log(out.join('\n'));
}
