// The decoder benchmark, side by side with PyTorch in one run: a GPT-2 training step
// (forward, backward, AdamW) and KV-cache generation, same config, same weights, same batch,
// 2 threads each. PyTorch gets its best BLAS (OpenBLAS, OpenMP build, AVX-512 kernels).
// PyTorch runs as a child that answers one command at a time, and the two sides take turns in
// short rounds, so both are measured through the same moments of a shared, noisy machine.
//
//   npm run bench:ml        (env: BENCH_ROUNDS=8 rounds; in each, ours: 3 runs of the trainer's chained steps
//                            (8 here), 1 step alone, 1 generation, 3 passes over the products; PyTorch: 3 steps,
//                            1 generation, 3 passes over the products;
//                            BENCH_BIG=1 adds the d=512 L=8 T=256 step, BENCH_TORCH=0 skips PyTorch,
//                            BENCH_DEBUG=1 prints every timing)
//
// Each round also runs the step's matrix products alone on both sides (bench/ml-products.ts): no
// step can take less than its products, so our products over PyTorch's step is the lowest step
// ratio the machine allows ("step_ratio_floor"), and the step less its products is the part of the
// step that is not the BLAS's.
//
// Then the parity check over many steps (bench/ml-trajectory.ts): 20 training steps from the same
// weights on the same batches on both sides, the largest relative loss difference (target <= 1e-3)
// and the weight difference after them.
//
// Ends with ONE line of JSON: figures, targets, and whether they were met ("pass").

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compareTrajectories, ourTrajectory, TRAJECTORY_LOSS_TARGET, TRAJECTORY_STEPS, trajectoryBatches } from './ml-trajectory';
import {
  Generator,
  gptConfig,
  initAdamWState,
  initGPT,
  lmLossGraph,
  paramCount,
  prng,
  saveCheckpoint,
  StateRunner,
  stepFeeds,
  stepsPerRunFor,
  trainStepModel,
  type GPTConfig,
} from '../ml/index';
import { ourProducts, productFlops, stepProducts, type Product } from './ml-products';
import { OPENBLAS_DIR } from './openblas';
import { median, TorchRef } from './torch-ref';

const THREADS = 2;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const STEPS_PER_ROUND = 3;
const STEP_GOAL = 0.8;
const GEN = { batch: 8, prompt: 16, new: 112 };
const ADAM = { lr: 1e-4, beta1: 0.9, beta2: 0.95, weight_decay: 0.1, max_grad_norm: 1 };

function batchIds(c: GPTConfig, B: number, T: number): number[][] {
  const r = prng(7);
  return Array.from({ length: B }, () => Array.from({ length: T + 1 }, () => Math.floor(r() * c.vocabSize)));
}

/**
 * Our side: the training step as the trainer runs it (stepsPerRunFor('cpu') optimizer steps
 * chained in one model, timed per step), the same step alone in its own run, and the generator.
 */
async function ourSide(c: GPTConfig, params: Record<string, Float32Array>, ids: number[][]) {
  const B = ids.length;
  const T = ids[0].length - 1;
  const K = stepsPerRunFor('cpu', paramCount(c)); // as the trainer chooses for this model
  const adam = { beta1: ADAM.beta1, beta2: ADAM.beta2, weightDecay: ADAM.weight_decay, maxGradNorm: ADAM.max_grad_norm };
  const runner = new StateRunner({ intraOpThreads: THREADS });
  const one = lmLossGraph(c, B, T);
  const stepModel = trainStepModel(one.graph, { loss: one.loss }, adam);
  await runner.load('step', stepModel);
  const productList = stepProducts(one.graph, stepModel);
  const products = await ourProducts(productList, THREADS, true);
  await products.run(); // warm-up
  const chained = lmLossGraph(c, B, T);
  await runner.load('steps', trainStepModel(chained.graph, { loss: chained.loss }, adam, K));
  await runner.setState({ ...params, ...initAdamWState(one.graph.paramList) });
  const input = BigInt64Array.from(
    ids.flatMap((r) => r.slice(0, T)),
    BigInt,
  );
  const targets = BigInt64Array.from(
    ids.flatMap((r) => r.slice(1)),
    BigInt,
  );
  const batch = { input_ids: input, targets, loss_mask: new Float32Array(B * T).fill(1), lr: new Float32Array([ADAM.lr]) };
  let t = 0; // optimizer steps so far
  const stepAlone = async () => {
    const t0 = performance.now();
    const out = await runner.run('step', { ...batch, step: new Float32Array([++t]) });
    return { ms: performance.now() - t0, loss: out.loss[0] as number };
  };
  const stepChained = async () => {
    const feeds = stepFeeds(Array.from({ length: K }, () => ({ ...batch, step: new Float32Array([++t]) })));
    const t0 = performance.now();
    await runner.run('steps', feeds);
    return (performance.now() - t0) / K;
  };
  const firstLoss = (await stepAlone()).loss;
  await stepChained(); // warm-up

  const gen = await Generator.create(c, params, { intraOpThreads: THREADS });
  const prompts = ids.slice(0, GEN.batch).map((r) => r.slice(0, GEN.prompt));
  const generate = async () => {
    const t0 = performance.now();
    await gen.generate(prompts, { maxNewTokens: GEN.new, seed: 1 });
    return (GEN.batch * GEN.new) / ((performance.now() - t0) / 1000);
  };
  await generate(); // warm-up
  const dispose = async () => (await runner.dispose(), await gen.dispose(), await products.dispose());
  return { K, firstLoss, step: stepChained, stepAlone: async () => (await stepAlone()).ms, generate, productList, products: products.run, dispose };
}

/** Makes sure PyTorch and OpenBLAS (OpenMP build) are there; returns why not when they cannot be. */
function torchReady(): string | undefined {
  if (process.env.BENCH_TORCH === '0') return 'BENCH_TORCH=0';
  const have = () =>
    existsSync('/usr/bin/python3') &&
    spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0 &&
    existsSync(path.join(OPENBLAS_DIR, 'libblas.so.3'));
  if (have()) return undefined;
  if (spawnSync('which', ['apt-get']).status !== 0) return 'python3-torch is not installed and apt-get is not available';
  console.log('installing python3-torch and libopenblas0-openmp with apt-get ...');
  const r = spawnSync(
    'sh',
    ['-c', 'apt-get install -y python3-torch libopenblas0-openmp || (apt-get update && apt-get install -y python3-torch libopenblas0-openmp)'],
    { stdio: 'inherit' },
  );
  if (r.status !== 0 || !have()) return 'apt-get could not install python3-torch and libopenblas0-openmp';
  return undefined;
}

/** PyTorch on the model folder `dir`, with the batch, the trajectory's batches and the products this run compares. */
function startTorch(dir: string, ids: number[][], trajectory: number[][][] = [], products: Product[] = []): Promise<TorchRef> {
  return TorchRef.start(dir, { dir, threads: THREADS, batch: ids.length, seq: ids[0].length - 1, ids, gen: GEN, trajectory, products, ...ADAM });
}

/**
 * Rounds in which our side and PyTorch's take turns (who goes first alternates). Each turn is
 * followed by a pause, so that neither side's leftovers (our garbage collector's background
 * threads, OpenMP threads still spinning) run into the other's turn.
 */
async function interleave(rounds: number, ours: () => Promise<void>, theirs: (() => Promise<void>) | undefined) {
  const settle = () => new Promise((r) => setTimeout(r, 300));
  for (let r = 0; r < rounds; r++) {
    const turns = r % 2 === 0 ? [ours, theirs] : [theirs, ours];
    for (const turn of turns) {
      if (!turn) continue;
      await turn();
      await settle();
    }
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-ml-'));
try {
  const c = gptConfig('small', { nCtx: 128 }); // d=256 L=4 H=4 V=512, T=128
  const params = initGPT(c, 1337);
  saveCheckpoint(path.join(dir, 'model'), c, params);
  const ids = batchIds(c, 8, 128);
  const why = torchReady();

  const traj = trajectoryBatches(c, TRAJECTORY_STEPS, 8, 128);
  const ours = await ourSide(c, params, ids);
  const torch = why ? undefined : await startTorch(path.join(dir, 'model'), ids, traj, ours.productList);
  const times: number[] = [];
  const aloneTimes: number[] = [];
  const torchTimes: number[] = [];
  const gens: number[] = [];
  const torchGens: number[] = [];
  const prods: number[] = [];
  const torchProds: number[] = [];
  await interleave(
    ROUNDS,
    async () => {
      for (let i = 0; i < STEPS_PER_ROUND; i++) times.push(await ours.step());
      aloneTimes.push(await ours.stepAlone());
      gens.push(await ours.generate());
      for (let i = 0; i < STEPS_PER_ROUND; i++) prods.push(await ours.products());
    },
    torch &&
      (async () => {
        torchTimes.push(...(await torch.steps(STEPS_PER_ROUND)));
        torchGens.push(await torch.generate());
        torchProds.push(...(await torch.products(STEPS_PER_ROUND)));
      }),
  );
  await ours.dispose();
  // parity over many steps: the same 20 batches from the same weights, one optimizer step per run
  const ourTraj = await ourTrajectory(c, params, traj, ADAM, THREADS);
  const parity = torch ? compareTrajectories(ourTraj, await torch.trajectory(), path.join(dir, 'model')) : undefined;
  await torch?.close();
  if (process.env.BENCH_DEBUG) console.log({ times: times.map(Math.round), aloneTimes: aloneTimes.map(Math.round), torchTimes: torchTimes.map(Math.round) });
  const stepMs = median(times);
  const stepMsMin = Math.min(...times); // the least-disturbed step: context when the machine is busy
  const aloneMs = median(aloneTimes);
  const genTps = median(gens);
  const t = torch && {
    ...torch.info,
    step_ms: median(torchTimes),
    step_ms_min: Math.min(...torchTimes),
    gen_tokens_per_sec: median(torchGens),
    products_ms: median(torchProds),
  };
  const prodMs = median(prods);
  const gflop = productFlops(ours.productList) / 1e9;
  const floor = t ? prodMs / t.step_ms : undefined; // the lowest step ratio the products allow
  const firstLoss = ours.firstLoss;

  let big: { ours_ms: number; torch_ms?: number } | undefined;
  if (process.env.BENCH_BIG === '1') {
    const cb = gptConfig('small', { nEmbd: 512, nLayer: 8, nHead: 8, nCtx: 256 });
    const pb = initGPT(cb, 1337);
    const idsB = batchIds(cb, 8, 256);
    saveCheckpoint(path.join(dir, 'big'), cb, pb);
    const oursB = await ourSide(cb, pb, idsB);
    const torchB = why ? undefined : await startTorch(path.join(dir, 'big'), idsB);
    const [ob, tb]: [number[], number[]] = [[], []];
    await interleave(3, async () => void ob.push(await oursB.step()), torchB && (async () => void tb.push(...(await torchB.steps(1)))));
    await oursB.dispose();
    await torchB?.close();
    big = { ours_ms: median(ob), torch_ms: torchB ? median(tb) : undefined };
  }

  const fmt = (x: number | undefined, d = 1) => (x === undefined ? '—' : x.toFixed(d));
  console.log(`\nGPT-2 d=256 L=4 H=4 V=512, batch 8 x T=128, ${THREADS} threads`);
  console.log(`${''.padEnd(34)}${'ours'.padStart(12)}${'PyTorch'.padStart(12)}${'ratio'.padStart(10)}`);
  const stepRatio = t ? stepMs / t.step_ms : undefined;
  const genRatio = t ? genTps / t.gen_tokens_per_sec : undefined;
  console.log(`${`train step, ms (${ours.K} per run)`.padEnd(34)}${fmt(stepMs).padStart(12)}${fmt(t?.step_ms).padStart(12)}${fmt(stepRatio, 2).padStart(10)}`);
  console.log(
    `${'  fastest step, ms'.padEnd(34)}${fmt(stepMsMin).padStart(12)}${fmt(t?.step_ms_min).padStart(12)}${fmt(t ? stepMsMin / t.step_ms_min : undefined, 2).padStart(10)}`,
  );
  console.log(
    `${'  one step per run, ms'.padEnd(34)}${fmt(aloneMs).padStart(12)}${fmt(t?.step_ms).padStart(12)}${fmt(t ? aloneMs / t.step_ms : undefined, 2).padStart(10)}`,
  );
  console.log(
    `${'generation, new tokens/s'.padEnd(34)}${fmt(genTps, 0).padStart(12)}${fmt(t?.gen_tokens_per_sec, 0).padStart(12)}${fmt(genRatio, 2).padStart(10)}`,
  );
  console.log(
    `${`matrix products alone, ms`.padEnd(34)}${fmt(prodMs).padStart(12)}${fmt(t?.products_ms).padStart(12)}${fmt(t ? prodMs / t.products_ms : undefined, 2).padStart(10)}`,
  );
  console.log(
    `${'  step less its products, ms'.padEnd(34)}${fmt(stepMs - prodMs).padStart(12)}${fmt(t && t.step_ms - t.products_ms).padStart(12)}${fmt(t ? (stepMs - prodMs) / (t.step_ms - t.products_ms) : undefined, 2).padStart(10)}`,
  );
  console.log(
    `  (${ours.productList.length} products, ${gflop.toFixed(1)} GFLOP, ${fmt(gflop / (prodMs / 1000), 0)} GFLOP/s here; our products / PyTorch's step = ${fmt(floor, 2)}, the lowest step ratio this machine allows)`,
  );
  console.log(`${'first loss (cross-check)'.padEnd(34)}${firstLoss.toFixed(5).padStart(12)}${(t ? t.first_loss.toFixed(5) : '—').padStart(12)}`);
  if (big)
    console.log(
      `${'step d=512 L=8 T=256, ms'.padEnd(34)}${fmt(big.ours_ms).padStart(12)}${fmt(big.torch_ms).padStart(12)}${fmt(big.torch_ms ? big.ours_ms / big.torch_ms : undefined, 2).padStart(10)}`,
    );
  if (parity)
    console.log(
      `${`${TRAJECTORY_STEPS}-step trajectory`.padEnd(34)}largest relative loss difference ${parity.lossRel.toExponential(2)} (target <= ${TRAJECTORY_LOSS_TARGET}); weights after: max |Δ| ${parity.paramMaxAbs.toExponential(2)}, ‖Δ‖/‖w‖ ${parity.paramRel.toExponential(2)}`,
    );
  console.log(t ? `PyTorch ${t.torch}, ${t.threads} threads, BLAS: ${t.blas}` : `PyTorch not run: ${why}`);
  const lossAgree = t ? Math.abs(firstLoss - t.first_loss) < 1e-3 : undefined;
  const trajectoryMet = parity ? parity.lossRel <= TRAJECTORY_LOSS_TARGET : undefined;
  console.log(
    JSON.stringify({
      bench: 'ml',
      config: { nEmbd: 256, nLayer: 4, nHead: 4, vocabSize: 512, seq: 128, batch: 8, threads: THREADS },
      step_ms: +stepMs.toFixed(2),
      torch_step_ms: t ? +t.step_ms.toFixed(2) : null,
      step_ratio: stepRatio === undefined ? null : +stepRatio.toFixed(3),
      step_ms_min: +stepMsMin.toFixed(2),
      steps_per_run: ours.K,
      one_step_per_run_ms: +aloneMs.toFixed(2),
      torch_step_ms_min: t ? +t.step_ms_min.toFixed(2) : null,
      step_target: '<= 1.0',
      step_met: stepRatio === undefined ? null : stepRatio <= 1,
      step_goal: `<= ${STEP_GOAL}`, // issue 20's goal at this size, reported beside the target "pass" keeps
      step_goal_met: stepRatio === undefined ? null : stepRatio <= STEP_GOAL,
      products: ours.productList.length,
      products_gflop: +gflop.toFixed(2),
      products_ms: +prodMs.toFixed(2),
      torch_products_ms: t ? +t.products_ms.toFixed(2) : null,
      step_less_products_ms: +(stepMs - prodMs).toFixed(2),
      torch_step_less_products_ms: t ? +(t.step_ms - t.products_ms).toFixed(2) : null,
      step_ratio_floor: floor === undefined ? null : +floor.toFixed(3), // our products / PyTorch's step: no step ratio can be lower
      step_goal_reachable: floor === undefined ? null : floor <= STEP_GOAL, // false: the goal asks for a faster BLAS on this machine, not a faster trainer
      gen_tokens_per_sec: Math.round(genTps),
      torch_gen_tokens_per_sec: t ? Math.round(t.gen_tokens_per_sec) : null,
      gen_ratio: genRatio === undefined ? null : +genRatio.toFixed(3),
      gen_target: '>= 1.0',
      gen_met: genRatio === undefined ? null : genRatio >= 1,
      first_loss: +firstLoss.toFixed(6),
      torch_first_loss: t ? +t.first_loss.toFixed(6) : null,
      losses_agree: lossAgree ?? null,
      trajectory_steps: TRAJECTORY_STEPS,
      trajectory_loss_rel_max: parity ? +parity.lossRel.toExponential(3) : null,
      trajectory_loss_target: TRAJECTORY_LOSS_TARGET,
      trajectory_param_max_abs: parity ? +parity.paramMaxAbs.toExponential(3) : null,
      trajectory_param_rel: parity ? +parity.paramRel.toExponential(3) : null,
      trajectory_met: trajectoryMet ?? null,
      torch_blas: t?.blas ?? null,
      ...(big ? { big_step_ms: +big.ours_ms.toFixed(1), big_torch_step_ms: big.torch_ms ? +big.torch_ms.toFixed(1) : null } : {}),
      torch_skipped: why ?? null,
      // without the reference nothing can be judged: not a pass
      pass: stepRatio !== undefined && genRatio !== undefined && stepRatio <= 1 && genRatio >= 1 && lossAgree === true && trajectoryMet === true,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
