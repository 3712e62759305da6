// Two versions of the training step, taking turns in one process: this tree's `ml/` against the
// `ml/` of a git revision (a temporary worktree), the same weights, batch and AdamW settings, one
// step of each in turn (the order alternating), so that both are measured through the same
// moments of a shared machine. Separate runs of bench:ml or bench:gpt2 vary by ±4 % from run to
// run, more than most single changes are worth; the difference of each pair does not.
//
//   npm run bench:ml-ab -- <rev>                          bench:ml's size: d=256 L=4 H=4 V=512, batch 8 × 128,
//                                                         the trainer's steps per run (8 here)
//   npm run bench:ml-ab -- <rev> --gpt2 '{"nLayer":2}'    GPT-2's shape (vocabulary 50,257), batch 4 × 256, scaled
//   options: --pairs N (timed pairs, default 24; 8 is enough at 124M), --threads N (default 2)
//
// Each side runs as the trainer would: steps per run from stepsPerRunFor, the memory arena from
// trainingArena. The first two pairs are warm-up. Ends with ONE line of JSON: each side's median
// per step, the median and mean (± standard error) of the pairwise difference (this tree minus
// the revision), and whether the two computed the same losses ("pass").

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as ML from '../ml/index';
import { median } from './torch-ref';

type Ml = typeof ML & { trainingArena: (params: number) => boolean };
const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const rev = args[0];
if (!rev || rev.startsWith('--')) {
  console.error('usage: npm run bench:ml-ab -- <git revision> [--gpt2 JSON] [--pairs N] [--threads N]');
  process.exit(2);
}
const PAIRS = Number(opt('--pairs') ?? 24);
const THREADS = Number(opt('--threads') ?? 2);
const WARMUP = 2;
const gpt2 = opt('--gpt2');
const ADAM = { beta1: 0.9, beta2: 0.95, weightDecay: 0.1, maxGradNorm: 1 };
const LR = 1e-4;

const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'ml-ab-'));
const tree = path.join(dir, 'tree');

interface Side {
  steps: () => Promise<{ ms: number; losses: number[] }>;
  dispose: () => Promise<void>;
}

/** A side built by one version of ml/: its step model for `c` at the trainer's steps per run, on the given weights. */
async function side(ml: Ml, c: ML.GPTConfig, weights: Record<string, Float32Array>): Promise<Side> {
  const [B, T] = gpt2 ? [4, 256] : [8, 128];
  const params = ml.paramCount(c);
  const K = ml.stepsPerRunFor('cpu', params);
  const runner = new ml.StateRunner({ intraOpThreads: THREADS, memArena: ml.trainingArena(params) });
  const m = ml.lmLossGraph(c, B, T);
  await runner.load('steps', ml.trainStepModel(m.graph, { loss: m.loss }, ADAM, K));
  await runner.setState({ ...weights, ...ml.initAdamWState(m.graph.paramList) });
  const ids = (k: number) => BigInt64Array.from({ length: B * T }, (_, i) => BigInt((i * 7919 + 13 + k) % c.vocabSize));
  const batch = { input_ids: ids(0), targets: ids(1), loss_mask: new Float32Array(B * T).fill(1), lr: Float32Array.of(LR) };
  let t = 0;
  return {
    steps: async () => {
      const feeds = ml.stepFeeds(Array.from({ length: K }, () => ({ ...batch, step: Float32Array.of(++t) })));
      const t0 = performance.now();
      const out = await runner.run('steps', feeds);
      const ms = (performance.now() - t0) / K;
      return { ms, losses: Array.from(out.loss as Float32Array) };
    },
    dispose: () => runner.dispose(),
  };
}

async function main() {
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: root, encoding: 'utf8' }).trim();
  execFileSync('git', ['worktree', 'add', '--detach', '--quiet', tree, sha], { cwd: root });
  symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
  const sides: Side[] = [];
  try {
    const load = async (dir: string): Promise<Ml> => ({
      ...((await import(path.join(dir, 'ml', 'index.ts'))) as typeof ML),
      trainingArena: ((await import(path.join(dir, 'ml', 'runtime', 'config.ts'))) as { trainingArena: Ml['trainingArena'] }).trainingArena,
    });
    const here = await load(root);
    const there = await load(tree);
    const c = gpt2 ? here.gptConfig('gpt2', JSON.parse(gpt2) as Partial<ML.GPTConfig>) : here.gptConfig('small', { nCtx: 128 }); // as bench:gpt2 and bench:ml
    const weights = here.initGPT(c, 1);
    sides.push(await side(there, c, weights), await side(here, c, weights));
    const ms: number[][] = [[], []];
    const losses: number[][] = [[], []];
    for (let i = 0; i < PAIRS + WARMUP; i++) {
      const order = i % 2 ? [0, 1] : [1, 0];
      for (const s of order) {
        const r = await sides[s].steps();
        if (i >= WARMUP) ms[s].push(r.ms);
        losses[s].push(...r.losses);
      }
    }
    const diffs = ms[1].map((b, i) => b - ms[0][i]);
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    const se = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (diffs.length - 1) / diffs.length);
    const lossRel = Math.max(...losses[0].map((l, i) => Math.abs(l - losses[1][i]) / Math.abs(l)));
    const fmt = (x: number) => x.toFixed(1).padStart(8);
    console.log(`${gpt2 ? `GPT-2 ${gpt2}, batch 4 × 256` : 'bench:ml size: d=256 L=4 H=4 V=512, batch 8 × 128'}, ${THREADS} threads, ${PAIRS} pairs`);
    console.log(`ms per step, median  ${sha.padEnd(10)}${fmt(median(ms[0]))}   this tree${fmt(median(ms[1]))}`);
    console.log(
      `this tree − ${sha}: median ${median(diffs).toFixed(1)} ms, mean ${mean.toFixed(1)} ± ${se.toFixed(1)} ms; losses agree to ${lossRel.toExponential(1)} (relative)`,
    );
    const agree = lossRel <= 1e-4;
    console.log(
      JSON.stringify({
        bench: 'ml-ab',
        rev: sha,
        shape: gpt2 ? JSON.parse(gpt2) : 'bench:ml',
        pairs: PAIRS,
        rev_step_ms: +median(ms[0]).toFixed(2),
        step_ms: +median(ms[1]).toFixed(2),
        diff_ms_median: +median(diffs).toFixed(2),
        diff_ms_mean: +mean.toFixed(2),
        diff_ms_se: +se.toFixed(2),
        loss_rel_max: lossRel,
        loss_target: 1e-4,
        pass: agree,
      }),
    );
  } finally {
    for (const s of sides) await s.dispose();
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root });
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
