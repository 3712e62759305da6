// Where a training step's time goes: onnxruntime's own profiler over a few optimizer steps of the
// GPT-2 step model (forward, backward, AdamW in one run), summed per op type, with the slowest
// nodes.
//
//   npm run bench:ml-profile                          bench:ml's size: d=256 L=4 H=4 V=512, batch 8 × 128
//   npm run bench:ml-profile -- --gpt2 '{"nLayer":2}' GPT-2's shape (vocabulary 50,257), batch 4 × 256, scaled
//   options: --steps N (profiled runs, default 3), --threads N (default 2), --top N (nodes listed, default 15),
//            --chain K (optimizer steps chained in each run, as the trainer's steps per run; default 1:
//            one step a run, which also pays each run's first touch of its fresh intermediates)
//
// Figures are per optimizer step. With --chain K the K steps' copies of a node carry different
// names, so the slowest-nodes list groups them by op and output shape.
//
// The step runs in the trainer's StateRunner (RuntimeConfig.profile turns the profiler on), with the
// memory arena as trainingArena gives it for the size. Before 2026-12-06 it ran a session of its own,
// with the arena at every size and the state outputs allocated afresh by onnxruntime each run, and at
// GPT-2 124M that first touch of 1.5 GB showed as AdamW's time: 664 ms of the step then, 339-398 ms
// now (the step's Sub and Add nodes 184 and 481 ms then, 67-79 and 233-242 now).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gptConfig, initAdamWState, initGPT, lmLossGraph, paramCount, stepFeeds, trainStepModel } from '../ml/index';
import { trainingArena } from '../ml/runtime/config';
import { StateRunner } from '../ml/runtime/state-runner';
import { median } from './torch-ref';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const gpt2 = args.includes('--gpt2') ? (JSON.parse(opt('--gpt2', '{}')) as Record<string, number>) : undefined;
const STEPS = Number(opt('--steps', '3'));
const THREADS = Number(opt('--threads', '2'));
const TOP = Number(opt('--top', '15'));
const CHAIN = Number(opt('--chain', '1'));

const c = gpt2 ? gptConfig('gpt2', gpt2) : gptConfig('small', { nCtx: 128 });
const [B, T] = gpt2 ? [4, 256] : [8, 128];
const m = lmLossGraph(c, B, T);
const model = trainStepModel(m.graph, { loss: m.loss }, { beta1: 0.9, beta2: 0.95, weightDecay: 0.1, maxGradNorm: 1 }, CHAIN);
const dir = mkdtempSync(path.join(tmpdir(), 'ml-profile-'));
try {
  // the trainer's runner, as the trainer configures it for this size
  const runner = new StateRunner({ intraOpThreads: THREADS, memArena: trainingArena(paramCount(c)), profile: path.join(dir, 'step') });
  await runner.load('step', model);
  await runner.setState({ ...initGPT(c, 1337), ...initAdamWState(m.graph.paramList) });
  const ids = (k: number) => BigInt64Array.from({ length: B * T }, (_, i) => BigInt((i * 7919 + k) % c.vocabSize));
  const batch = { input_ids: ids(0), targets: ids(1), loss_mask: new Float32Array(B * T).fill(1), lr: Float32Array.of(1e-4), step: Float32Array.of(1) };
  const feeds = stepFeeds(Array.from({ length: CHAIN }, () => batch)); // every chained step trains on the same batch
  const wall: number[] = [];
  for (let i = 0; i <= STEPS; i++) {
    const t0 = performance.now();
    await runner.run('step', feeds);
    if (i > 0) wall.push(performance.now() - t0); // run 0 pays for first-run allocations
  }
  await runner.dispose(); // writes step_<time>.json into dir
  const profile = path.join(
    dir,
    readdirSync(dir).find((f) => f.startsWith('step') && f.endsWith('.json'))!,
  );
  report(JSON.parse(readFileSync(profile, 'utf8')) as Event[], wall);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

interface Event {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string; output_type_shape?: Array<Record<string, number[]>> };
}

function report(events: Event[], wall: number[]) {
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').slice(1); // the first run is the warm-up
  const n = Math.max(1, runs.length);
  const counted = kernels.slice(Math.floor(kernels.length / (n + 1))); // drop the warm-up run's kernels
  const steps = n * CHAIN; // per-step figures divide by every step the counted runs made
  const byOp = new Map<string, { us: number; count: number }>();
  const byNode = new Map<string, { us: number; op: string; shape: string }>();
  let total = 0;
  let [optUs, optNodes] = [0, 0]; // AdamW: the adamw.* nodes
  for (const e of counted) {
    const op = e.args?.op_name ?? '?';
    const node = e.name.replace(/_kernel_time$/, '');
    const o = byOp.get(op) ?? { us: 0, count: 0 };
    o.us += e.dur;
    o.count++;
    byOp.set(op, o);
    const shape = JSON.stringify(Object.values(e.args?.output_type_shape?.[0] ?? {})[0] ?? []);
    const key = CHAIN > 1 ? `${op} ${shape}` : node; // a chain's steps name their nodes apart: group by kind
    const b = byNode.get(key) ?? { us: 0, op, shape };
    b.us += e.dur;
    byNode.set(key, b);
    total += e.dur;
    if (node.startsWith('adamw.')) [optUs, optNodes] = [optUs + e.dur, optNodes + 1];
  }
  const ms = (us: number) => (us / steps / 1000).toFixed(2).padStart(9);
  const runMs = runs.reduce((s, r) => s + r.dur, 0) / steps / 1000;
  console.log(
    `\n${gpt2 ? `GPT-2 ${JSON.stringify(gpt2)}` : 'bench:ml size'}: d=${c.nEmbd} L=${c.nLayer} H=${c.nHead} V=${c.vocabSize}, batch ${B} × ${T}, ${THREADS} threads`,
  );
  console.log(
    `step (run wall / steps a run, median) ${(median(wall) / CHAIN).toFixed(1)} ms; onnxruntime model_run ${runMs.toFixed(1)} ms; kernels ${(total / steps / 1000).toFixed(1)} ms in ${counted.length / steps} nodes`,
  );
  console.log(
    `optimizer (AdamW, the adamw.* nodes): ${(optUs / steps / 1000).toFixed(2)} ms, ${((100 * optUs) / total).toFixed(1)}% of kernel time, ${optNodes / steps} nodes`,
  );
  console.log(`\n${'op'.padEnd(26)}${'ms/step'.padStart(9)}${'share'.padStart(8)}${'nodes'.padStart(7)}`);
  for (const [op, o] of [...byOp].sort((a, b) => b[1].us - a[1].us)) {
    console.log(`${op.padEnd(26)}${ms(o.us)}${`${((100 * o.us) / total).toFixed(1)}%`.padStart(8)}${String(o.count / steps).padStart(7)}`);
  }
  console.log(`\nslowest nodes`);
  for (const [node, b] of [...byNode].sort((a, b) => b[1].us - a[1].us).slice(0, TOP))
    console.log(`${ms(b.us)} ms  ${b.op.padEnd(20)} ${b.shape.padEnd(22)} ${node}`);
  console.log(
    JSON.stringify({
      bench: 'ml-profile',
      shape: gpt2 ?? 'bench:ml',
      step_ms: runMs,
      kernels_ms: total / steps / 1000,
      nodes: counted.length / steps,
      optimizer_ms: +(optUs / steps / 1000).toFixed(3),
      optimizer_share: +(optUs / total).toFixed(4),
      optimizer_nodes: optNodes / steps,
      by_op: Object.fromEntries([...byOp].map(([k, v]) => [k, +(v.us / steps / 1000).toFixed(3)])),
    }),
  );
}
