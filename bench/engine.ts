// Engine benchmark: a stack of Linear+GELU layers of width 1024 trained with in-graph AdamW,
// against one large MatMul through onnxruntime (the practical ceiling on this machine).
//
//   npm run bench:engine            (env: BENCH_ROWS, BENCH_LAYERS, BENCH_STEPS, BENCH_THREADS=1,2)

import { Graph, initAdamWState, initParams, prng, StateRunner, trainStepModel, type RuntimeConfig } from '../ml/index';

const WIDTH = 1024;
const ROWS = Number(process.env.BENCH_ROWS ?? 512);
const LAYERS = Number(process.env.BENCH_LAYERS ?? 4);
const STEPS = Number(process.env.BENCH_STEPS ?? 10);
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const TARGET = 0.7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function randomArray(n: number, seed: number): Float32Array {
  const r = prng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() - 0.5;
  return a;
}

type Timed = () => Promise<unknown>;

/** The [N,N]·[N,N] MatMul ceiling: returns a runner to time and its FLOPs. */
async function matmulCeiling(config: RuntimeConfig): Promise<{ run: Timed; flops: number; runner: StateRunner }> {
  const n = WIDTH;
  const g = new Graph();
  const y = g.matmul(g.input('a', 'float32', [n, n]), g.input('b', 'float32', [n, n]));
  const runner = new StateRunner(config);
  await runner.load('mm', g.toModel({ outputs: { y } }));
  const feeds = { a: randomArray(n * n, 1), b: randomArray(n * n, 2) };
  return { run: () => runner.run('mm', feeds), flops: 2 * n ** 3, runner };
}

/** One training step (forward, backward, AdamW) of the layer stack. */
async function trainStep(config: RuntimeConfig): Promise<{ run: Timed; flops: number; runner: StateRunner; nodes: number }> {
  const g = new Graph();
  const x = g.input('x', 'float32', [ROWS, WIDTH]);
  let h = x;
  for (let l = 0; l < LAYERS; l++) {
    const w = g.param(`w${l}`, [WIDTH, WIDTH], { init: { kind: 'normal', std: 1 / Math.sqrt(WIDTH) } });
    const b = g.param(`b${l}`, [WIDTH], { init: { kind: 'zeros' } });
    h = g.gelu(g.linear(h, w, b)); // (N, C)
  }
  const loss = g.reduceMean(g.mul(h, h));
  const model = trainStepModel(g, { loss }, { weightDecay: 0.1, maxGradNorm: 1 });
  const runner = new StateRunner(config);
  await runner.load('step', model);
  await runner.setState({ ...initParams(model.params, 0), ...initAdamWState(model.params) });
  const feeds = { x: randomArray(ROWS * WIDTH, 3), lr: new Float32Array([1e-3]), step: new Float32Array([1]) };
  // forward 2NC² per layer; backward 4NC² per layer except the first, whose input needs no gradient
  const flops = 2 * ROWS * WIDTH * WIDTH * (3 * LAYERS - 1);
  return { run: () => runner.run('step', feeds), flops, runner, nodes: Object.keys(model.nodes).length };
}

/** Times both alternately (the machine is shared and noisy), returning median ms of each. */
async function interleaved(a: Timed, b: Timed, steps: number): Promise<[number, number]> {
  for (const f of [a, b, a, b]) await f(); // warm-up: first runs allocate and plan
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < steps; i++) {
    for (const [f, into] of [
      [a, ta],
      [b, tb],
    ] as const) {
      const t0 = performance.now();
      await f();
      into.push(performance.now() - t0);
    }
  }
  return [median(ta), median(tb)];
}

const results: Record<string, number | boolean>[] = [];
for (const threads of THREADS) {
  const config: RuntimeConfig = { intraOpThreads: threads };
  const mm = await matmulCeiling(config);
  const step = await trainStep(config);
  const [mmMs, stepMs] = await interleaved(mm.run, step.run, STEPS);
  await mm.runner.dispose();
  await step.runner.dispose();
  const matmul = mm.flops / (mmMs * 1e6);
  const gflops = step.flops / (stepMs * 1e6);
  const ratio = gflops / matmul;
  console.log(
    `threads=${threads}: ${LAYERS}×(Linear ${WIDTH}→${WIDTH} + GELU), ${ROWS} rows, ${step.nodes} nodes: ` +
      `step ${stepMs.toFixed(1)} ms, ${gflops.toFixed(1)} GFLOP/s; MatMul ${WIDTH}³ ${matmul.toFixed(1)} GFLOP/s; ratio ${ratio.toFixed(3)}`,
  );
  results.push({ threads, step_ms: +stepMs.toFixed(2), gflops: +gflops.toFixed(1), matmul_gflops: +matmul.toFixed(1), ratio: +ratio.toFixed(3) });
}
const [main, ...others] = results;
console.log(
  JSON.stringify({
    bench: 'engine',
    width: WIDTH,
    rows: ROWS,
    layers: LAYERS,
    ...main,
    target_ratio: TARGET,
    pass: (main.ratio as number) >= TARGET,
    ...(others.length ? { other_threads: others } : {}),
  }),
);
