// One measured part of `npm run bench:gpt2` (bench/gpt2.ts), in a fresh process so that its peak
// RSS is its own. argv[2] is JSON: { part, dir, steps, threads, batch, seq, gen, ppo } where `dir`
// holds the model folder the parent wrote (model/) and, for PPO, reward/ and prompts.jsonl.
// Prints one JSON line: the part's figures and its peak RSS (max_rss, bytes).
//
//   train  one optimizer step per run (forward, backward, AdamW) of the LM loss, after two warm-up steps: median ms, first loss
//   gen    KV-cache generation: median new tokens/s
//   rm     one reward-model optimizer step (the pairwise loss over batch sequences): median ms
//   ppo    one PPO iteration through trainPPO (rollout, scoring, forward passes, 1 epoch of updates): s

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configFromHf, loadCheckpoint } from '../ml/checkpoint/checkpoint';
import type { ParamSpec } from '../ml/graph/core';
import { Generator } from '../ml/generate/generator';
import { lmLossGraph } from '../ml/model/forward';
import { paramCount } from '../ml/model/params';
import { initAdamWState } from '../ml/optim/adamw';
import { trainStepModel } from '../ml/optim/train-graph';
import { rewardLossGraph } from '../ml/rlhf/reward-model';
import { trainPPO } from '../ml/rlhf/ppo-trainer';
import { trainingArena } from '../ml/runtime/config';
import { prng } from '../ml/runtime/init';
import { StateRunner } from '../ml/runtime/state-runner';

export interface ChildSpec {
  part: 'train' | 'gen' | 'rm' | 'ppo';
  dir: string;
  steps: number;
  threads: number;
  batch: number;
  seq: number;
  /** The batch's token ids (batch rows of seq + 1), the same the PyTorch side trains on. */
  ids: number[][];
  gen: { batch: number; prompt: number; new: number };
  ppo: { rolloutBatch: number; miniBatch: number; maxNewTokens: number };
  adam: { lr: number; beta1: number; beta2: number; weight_decay: number; max_grad_norm: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spec = JSON.parse(process.argv[2]) as ChildSpec;
const threads = spec.threads;
const modelDir = path.join(spec.dir, 'model');

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; out: T }> {
  const t0 = performance.now();
  const out = await f();
  return { ms: performance.now() - t0, out };
}

/** Loads the model folder's weights into the runner's state (with zeroed moments); only the runner keeps them. */
async function loadState(runner: StateRunner, specs: ParamSpec[]): Promise<void> {
  await runner.setState({ ...loadCheckpoint(modelDir).params, ...initAdamWState(specs) });
}

async function train() {
  const c = configFromHf(JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>, modelDir);
  const B = spec.batch;
  const T = spec.seq;
  const a = spec.adam;
  const runner = new StateRunner({ intraOpThreads: threads, memArena: trainingArena(paramCount(c)) }); // as the trainers run a model of this size
  const m = lmLossGraph(c, B, T);
  const t0 = performance.now();
  await runner.load(
    'step',
    trainStepModel(m.graph, { loss: m.loss }, { beta1: a.beta1, beta2: a.beta2, weightDecay: a.weight_decay, maxGradNorm: a.max_grad_norm }),
  );
  const loadMs = performance.now() - t0;
  await loadState(runner, m.graph.paramList);
  const ids = spec.ids;
  const batch = {
    input_ids: BigInt64Array.from(
      ids.flatMap((r) => r.slice(0, T)),
      BigInt,
    ),
    targets: BigInt64Array.from(
      ids.flatMap((r) => r.slice(1, T + 1)),
      BigInt,
    ),
    position_ids: BigInt64Array.from({ length: B * T }, (_, i) => BigInt(i % T)),
    loss_mask: new Float32Array(B * T).fill(1),
    lr: Float32Array.of(a.lr),
  };
  const ms: number[] = [];
  let firstLoss = NaN;
  for (let i = 0; i < spec.steps + 2; i++) {
    const r = await timed(() => runner.run('step', { ...batch, step: Float32Array.of(i + 1) }));
    if (i === 0) firstLoss = r.out.loss[0] as number;
    if (i >= 2) ms.push(r.ms); // two warm-up steps, as the PyTorch side takes: the first pays for onnxruntime's first-run allocations
  }
  await runner.dispose();
  return { step_ms: median(ms), step_ms_all: ms.map(Math.round), first_loss: firstLoss, session_ms: Math.round(loadMs) };
}

async function gen() {
  const ck = loadCheckpoint(modelDir);
  const g = await Generator.create(ck.config, ck.params, { intraOpThreads: threads });
  const prompts = spec.ids.slice(0, spec.gen.batch).map((r) => r.slice(0, spec.gen.prompt));
  const run = () => timed(() => g.generate(prompts, { maxNewTokens: spec.gen.new, seed: 1 }));
  await run(); // warm-up: builds the sessions
  const tps: number[] = [];
  for (let i = 0; i < spec.steps; i++) tps.push((spec.gen.batch * spec.gen.new) / ((await run()).ms / 1000));
  await g.dispose();
  return { gen_tokens_per_sec: median(tps), all: tps.map(Math.round) };
}

async function rm() {
  const ck = loadCheckpoint(modelDir);
  const c = ck.config;
  const N = spec.batch; // sequences: N / 2 pairs
  const T = spec.seq;
  const P = N / 2;
  const m = rewardLossGraph(c, { groups: P, N, P, T }, { margin: false, centerCoef: 0 });
  const runner = new StateRunner({ intraOpThreads: threads, memArena: trainingArena(paramCount(c)) }); // as the reward trainer runs a model of this size
  const a = spec.adam;
  await runner.load(
    'step',
    trainStepModel(m.graph, { loss: m.loss }, { beta1: a.beta1, beta2: a.beta2, weightDecay: a.weight_decay, maxGradNorm: a.max_grad_norm }),
  );
  const r = prng(3);
  const head = { 'score.weight': Float32Array.from({ length: c.nEmbd }, () => (r() - 0.5) * 0.05), 'score.bias': new Float32Array(1) };
  await runner.setState({ ...ck.params, ...head, ...initAdamWState(m.graph.paramList) });
  const feeds = {
    input_ids: BigInt64Array.from(
      spec.ids.flatMap((row) => row.slice(0, T)),
      BigInt,
    ),
    last_index: BigInt64Array.from({ length: N }, (_, n) => BigInt(T - 1 - n * 7)),
    pair_win: BigInt64Array.from({ length: P }, (_, p) => BigInt(2 * p)),
    pair_lose: BigInt64Array.from({ length: P }, (_, p) => BigInt(2 * p + 1)),
    pair_weight: new Float32Array(P).fill(1 / P),
    lr: Float32Array.of(a.lr),
  };
  const ms: number[] = [];
  for (let i = 0; i <= spec.steps; i++) {
    const t = await timed(() => runner.run('step', { ...feeds, step: Float32Array.of(i + 1) }));
    if (i > 0) ms.push(t.ms);
  }
  await runner.dispose();
  return { rm_step_ms: median(ms), all: ms.map(Math.round) };
}

async function ppo() {
  const p = spec.ppo;
  const t = await timed(() =>
    trainPPO({
      policy: modelDir,
      reward: path.join(spec.dir, 'reward'),
      prompts: [path.join(spec.dir, 'prompts.jsonl')],
      out: path.join(spec.dir, 'ppo-out'),
      iterations: 1,
      rolloutBatch: p.rolloutBatch,
      miniBatch: p.miniBatch,
      ppoEpochs: 1,
      maxNewTokens: p.maxNewTokens,
      saveEvery: 0,
      threads,
      worker: false,
      seed: 1,
    }),
  );
  return { ppo_iteration_sec: t.ms / 1000, metrics: t.out.metrics };
}

const parts = { train, gen, rm, ppo };
const out = await parts[spec.part]();
console.log(JSON.stringify({ ...out, max_rss: process.resourceUsage().maxRSS * 1024 }));
