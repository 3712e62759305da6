// `bench:rlhf -- --compare --seeds 1,2,3`: each seed's comparison in its own process, then the
// figures' mean and spread (sample sd) and the targets over the seeds (compare-targets.ts).

import { loadavg } from 'node:os';
import { COMPARE_TARGETS, seedsPass, SUMMARY_FIGURES, type SeedLine } from './compare-targets';
import { mean, parseSeeds, runOne, sd } from './seeds';
import { table } from './table';

const round = (x: number) => Math.round(x * 10000) / 10000;

/** `perSeed`: a seed's own arguments (its --from folder). */
export async function runCompareSeeds(
  list: string,
  quick: boolean,
  extra: string[] = [],
  perSeed: (seed: number) => string[] = () => [],
): Promise<Record<string, unknown>> {
  const seeds = parseSeeds(list);
  const t0 = performance.now();
  const lines: Array<SeedLine & Record<string, unknown>> = [];
  for (const seed of seeds) lines.push((await runOne(seed, quick, ['--compare', ...extra, ...perSeed(seed)])) as unknown as SeedLine & Record<string, unknown>);
  const wallSec = (performance.now() - t0) / 1000;
  const summary = seedsPass(lines, wallSec, quick);
  const col = (k: (typeof SUMMARY_FIGURES)[number]) => lines.map((l) => l[k]);
  console.log(`\nbench:rlhf --compare over seeds ${seeds.join(', ')}${quick ? ' (--quick)' : ''}`);
  console.log(
    table(
      ['figure', ...seeds.map((s) => `seed ${s}`), 'mean', 'spread (sd)'],
      SUMMARY_FIGURES.map((k) => [k, ...col(k).map((x) => String(round(x))), String(round(mean(col(k)))), String(round(sd(col(k))))]),
    ),
  );
  console.log(
    `targets: ${Object.entries(summary.ok)
      .map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`)
      .join(
        ', ',
      )}; DPO whole rankings − pairs ${(100 * summary.wholeMinusPairs.mean).toFixed(1)} points (sd ${(100 * summary.wholeMinusPairs.sd).toFixed(1)} over the seeds, standard error ${(100 * summary.wholeMinusPairs.se).toFixed(1)}, 95 % lower bound ${(100 * summary.wholeMinusPairs.lower).toFixed(1)}, target >= −${100 * COMPARE_TARGETS.wholeVsPairs.margin}); wall time ${wallSec.toFixed(0)} s (target < ${COMPARE_TARGETS.wallSec} s on 2 quiet cores; load average now ${loadavg()[0].toFixed(1)})`,
  );
  return {
    bench: 'rlhf-compare',
    seeds,
    quick,
    per_seed: lines,
    mean: Object.fromEntries(SUMMARY_FIGURES.map((k) => [k, round(mean(col(k)))])),
    spread: Object.fromEntries(SUMMARY_FIGURES.map((k) => [k, round(sd(col(k)))])),
    whole_minus_pairs: {
      mean: round(summary.wholeMinusPairs.mean),
      sd: round(summary.wholeMinusPairs.sd),
      se: round(summary.wholeMinusPairs.se),
      lower: round(summary.wholeMinusPairs.lower),
      target_lower: -COMPARE_TARGETS.wholeVsPairs.margin,
    },
    ok: summary.ok,
    wall_sec: Math.round(wallSec),
    target_wall_sec: COMPARE_TARGETS.wallSec,
    pass: summary.pass,
  };
}
