// The decoder benchmark, side by side with PyTorch in one run: a GPT-2 training step
// (forward, backward, AdamW) and KV-cache generation, same config, same weights, same batch,
// 2 threads each. PyTorch gets its best BLAS (OpenBLAS, OpenMP build, AVX-512 kernels).
//
//   npm run bench:ml        (env: BENCH_STEPS=10, BENCH_BIG=1 adds the d=512 L=8 T=256 step, BENCH_TORCH=0 skips PyTorch)
//
// Ends with ONE line of JSON: figures, targets, and whether they were met.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Generator, gptConfig, initAdamWState, initGPT, lmLossGraph, prng, saveCheckpoint, StateRunner, trainStepModel, type GPTConfig } from '../ml/index';

const THREADS = 2;
const STEPS = Number(process.env.BENCH_STEPS ?? 10);
const GEN = { batch: 8, prompt: 16, new: 112, reps: 3 };
const ADAM = { lr: 1e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.1, max_grad_norm: 1 };
const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function batchIds(c: GPTConfig, B: number, T: number): number[][] {
  const r = prng(7);
  return Array.from({ length: B }, () => Array.from({ length: T + 1 }, () => Math.floor(r() * c.vocabSize)));
}

/** Our training step: first loss and the step times. */
async function ourStep(c: GPTConfig, params: Record<string, Float32Array>, ids: number[][], steps: number) {
  const B = ids.length;
  const T = ids[0].length - 1;
  const lm = lmLossGraph(c, B, T);
  const model = trainStepModel(lm.graph, { loss: lm.loss }, { beta1: ADAM.beta1, beta2: ADAM.beta2, weightDecay: ADAM.weight_decay, maxGradNorm: ADAM.max_grad_norm });
  const runner = new StateRunner({ intraOpThreads: THREADS });
  await runner.load('step', model);
  await runner.setState({ ...params, ...initAdamWState(lm.graph.paramList) });
  const input = BigInt64Array.from(ids.flatMap((r) => r.slice(0, T)), BigInt);
  const targets = BigInt64Array.from(ids.flatMap((r) => r.slice(1)), BigInt);
  const pos = BigInt64Array.from({ length: B * T }, (_, i) => BigInt(i % T));
  const feeds = { input_ids: input, position_ids: pos, targets, loss_mask: new Float32Array(B * T).fill(1), lr: new Float32Array([ADAM.lr]) };
  let firstLoss = NaN;
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const t0 = performance.now();
    const out = await runner.run('step', { ...feeds, step: new Float32Array([i + 1]) });
    if (i === 0) firstLoss = out.loss[0] as number;
    if (i >= 2) times.push(performance.now() - t0);
  }
  await runner.dispose();
  return { firstLoss, times };
}

async function ourGeneration(c: GPTConfig, params: Record<string, Float32Array>, ids: number[][]) {
  const gen = await Generator.create(c, params, { intraOpThreads: THREADS });
  const prompts = ids.slice(0, GEN.batch).map((r) => r.slice(0, GEN.prompt));
  const times: number[] = [];
  for (let i = 0; i <= GEN.reps; i++) {
    const t0 = performance.now();
    await gen.generate(prompts, { maxNewTokens: GEN.new, seed: 1 });
    if (i > 0) times.push(performance.now() - t0);
  }
  await gen.dispose();
  return (GEN.batch * GEN.new) / (median(times) / 1000);
}

/** Makes sure PyTorch and OpenBLAS (OpenMP build) are there; returns why not when they cannot be. */
function torchReady(): string | undefined {
  if (process.env.BENCH_TORCH === '0') return 'BENCH_TORCH=0';
  const have = () => existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0 && existsSync(path.join(OPENBLAS_DIR, 'libblas.so.3'));
  if (have()) return undefined;
  if (spawnSync('which', ['apt-get']).status !== 0) return 'python3-torch is not installed and apt-get is not available';
  console.log('installing python3-torch and libopenblas0-openmp with apt-get ...');
  const r = spawnSync('sh', ['-c', 'apt-get install -y python3-torch libopenblas0-openmp || (apt-get update && apt-get install -y python3-torch libopenblas0-openmp)'], { stdio: 'inherit' });
  if (r.status !== 0 || !have()) return 'apt-get could not install python3-torch and libopenblas0-openmp';
  return undefined;
}

interface TorchResult {
  torch: string;
  threads: number;
  blas: string;
  first_loss: number;
  step_ms: number;
  step_ms_min: number;
  gen_tokens_per_sec: number;
}

function torchRun(dir: string, ids: number[][], steps: number): TorchResult {
  const spec = path.join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify({ dir, threads: THREADS, batch: ids.length, seq: ids[0].length - 1, steps, ids, gen: GEN, ...ADAM }));
  const env: NodeJS.ProcessEnv = { ...process.env, LD_LIBRARY_PATH: [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), OMP_NUM_THREADS: String(THREADS) };
  delete env.OPENBLAS_CORETYPE; // let OpenBLAS pick its AVX-512 kernels (for this command only)
  delete env.OPENBLAS_L2_SIZE;
  const out = execFileSync('/usr/bin/python3', [path.join(import.meta.dirname, 'torch_ref.py'), spec], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-ml-'));
try {
  const c = gptConfig('small', { nCtx: 128 }); // d=256 L=4 H=4 V=512, T=128
  const params = initGPT(c, 1337);
  saveCheckpoint(path.join(dir, 'model'), c, params);
  const ids = batchIds(c, 8, 128);
  const why = torchReady();

  // ours, PyTorch, ours again: the machine is shared, so the references are measured in between
  const a = await ourStep(c, params, ids, STEPS);
  const genA = await ourGeneration(c, params, ids);
  const torch = why ? undefined : torchRun(path.join(dir, 'model'), ids, STEPS);
  const b = await ourStep(c, params, ids, STEPS);
  const genB = await ourGeneration(c, params, ids);
  const stepMs = median([...a.times, ...b.times]);
  const stepMsMin = Math.min(...a.times, ...b.times); // the least-disturbed step: context when the machine is busy
  const genTps = Math.max(genA, genB);

  let big: { ours_ms: number; torch_ms?: number } | undefined;
  if (process.env.BENCH_BIG === '1') {
    const cb = gptConfig('small', { nEmbd: 512, nLayer: 8, nHead: 8, nCtx: 256 });
    const pb = initGPT(cb, 1337);
    const idsB = batchIds(cb, 8, 256);
    saveCheckpoint(path.join(dir, 'big'), cb, pb);
    const ours = await ourStep(cb, pb, idsB, 3);
    big = { ours_ms: median(ours.times), torch_ms: why ? undefined : torchRun(path.join(dir, 'big'), idsB, 3).step_ms };
  }

  const fmt = (x: number | undefined, d = 1) => (x === undefined ? '—' : x.toFixed(d));
  console.log(`\nGPT-2 d=256 L=4 H=4 V=512, batch 8 x T=128, ${THREADS} threads`);
  console.log(`${''.padEnd(34)}${'ours'.padStart(12)}${'PyTorch'.padStart(12)}${'ratio'.padStart(10)}`);
  const stepRatio = torch ? stepMs / torch.step_ms : undefined;
  const genRatio = torch ? genTps / torch.gen_tokens_per_sec : undefined;
  console.log(`${'train step, ms (lower is better)'.padEnd(34)}${fmt(stepMs).padStart(12)}${fmt(torch?.step_ms).padStart(12)}${fmt(stepRatio, 2).padStart(10)}`);
  console.log(`${'  fastest step, ms'.padEnd(34)}${fmt(stepMsMin).padStart(12)}${fmt(torch?.step_ms_min).padStart(12)}${fmt(torch ? stepMsMin / torch.step_ms_min : undefined, 2).padStart(10)}`);
  console.log(`${'generation, new tokens/s'.padEnd(34)}${fmt(genTps, 0).padStart(12)}${fmt(torch?.gen_tokens_per_sec, 0).padStart(12)}${fmt(genRatio, 2).padStart(10)}`);
  console.log(`${'first loss (cross-check)'.padEnd(34)}${a.firstLoss.toFixed(5).padStart(12)}${(torch ? torch.first_loss.toFixed(5) : '—').padStart(12)}`);
  if (big) console.log(`${'step d=512 L=8 T=256, ms'.padEnd(34)}${fmt(big.ours_ms).padStart(12)}${fmt(big.torch_ms).padStart(12)}${fmt(big.torch_ms ? big.ours_ms / big.torch_ms : undefined, 2).padStart(10)}`);
  console.log(torch ? `PyTorch ${torch.torch}, ${torch.threads} threads, BLAS: ${torch.blas}` : `PyTorch not run: ${why}`);
  const lossAgree = torch ? Math.abs(a.firstLoss - torch.first_loss) < 1e-3 : undefined;
  console.log(
    JSON.stringify({
      bench: 'ml',
      config: { nEmbd: 256, nLayer: 4, nHead: 4, vocabSize: 512, seq: 128, batch: 8, threads: THREADS },
      step_ms: +stepMs.toFixed(2),
      torch_step_ms: torch ? +torch.step_ms.toFixed(2) : null,
      step_ratio: stepRatio === undefined ? null : +stepRatio.toFixed(3),
      step_ms_min: +stepMsMin.toFixed(2),
      torch_step_ms_min: torch ? +torch.step_ms_min.toFixed(2) : null,
      step_target: '<= 1.0',
      step_met: stepRatio === undefined ? null : stepRatio <= 1,
      gen_tokens_per_sec: Math.round(genTps),
      torch_gen_tokens_per_sec: torch ? Math.round(torch.gen_tokens_per_sec) : null,
      gen_ratio: genRatio === undefined ? null : +genRatio.toFixed(3),
      gen_target: '>= 1.0',
      gen_met: genRatio === undefined ? null : genRatio >= 1,
      first_loss: +a.firstLoss.toFixed(6),
      torch_first_loss: torch ? +torch.first_loss.toFixed(6) : null,
      losses_agree: lossAgree ?? null,
      torch_blas: torch?.blas ?? null,
      ...(big ? { big_step_ms: +big.ours_ms.toFixed(1), big_torch_step_ms: big.torch_ms ? +big.torch_ms.toFixed(1) : null } : {}),
      torch_skipped: why ?? null,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
