// Memory and time per step of a training run, before it is queued: a small pure function of the
// model's shape and the run's batch. The constants are measured (bench/estimate.ts prints the
// figures they come from; ml/README.md gives the formula):
//
//   memory = RUNTIME + Σ over the run's models (BYTES_TRAINED · P if trained — BYTES_TRAINED_NO_ARENA from 20M — BYTES_FROZEN · P if frozen)
//            + ACT_BYTES · rows · T · (L · C + V)  +  ATT_BYTES · rows · nh · T² · L   (for each trained model)
//   (PPO: PPO_BYTES_TRAINED and PPO_BYTES_FROZEN, and the policy step's activations alone)
//   time   = rows · T · (6 · P + 12 · L · C · T) / (GFLOPS_PER_THREAD · threads)
//
// P: parameters (the lm head tied to wte), rows × T: the tokens of one optimizer step's batch, L, C,
// nh, V: layers, width, heads, vocabulary. PPO holds four models: the policy and the value model
// trained, the reference and the reward model frozen; its update batch is miniBatch rows of prompt
// + response. The reward model's rows are every answer of each ranking (K per prompt), with a
// scalar head instead of the V-wide logits.
import { paramCount, type GPTConfig } from './config';

// Measured with `npm run bench:estimate` (2026-12-05, load average about 23, after the in-place state update and the
// trainers' sessions without arena from 20M parameters): peak RSS of five pretraining runs, 0.5M to 27M parameters,
// 32 to 2,048 tokens per step. With the constants below every case is estimated at 1.04 to 1.12 × its measured peak.
/** Node, onnxruntime and the app's own code before any model is loaded (bytes). */
const RUNTIME_BYTES = 220 * 1024 ** 2;
/** Models of fewer parameters than this train with onnxruntime's CPU memory arena (runtime/config.ts: trainingArena). */
export const TRAINING_ARENA_MAX_PARAMS = 20e6;
/**
 * Per trained parameter with the arena (small models): about 25 float32 copies — weights, gradients, AdamW's two
 * moments, the state fed to and copied out of onnxruntime-node once a run (a chain of 4 or 8 steps), and what each session's arena
 * keeps of its largest run (unchanged from the first fit: the small cases still measure 1.04–1.12 × with it).
 */
const BYTES_TRAINED = 100;
/**
 * Per trained parameter without the arena (from 20M parameters; the state written in place): measured 67 B at 27.4M
 * parameters (2.0 GB peak, 32 tokens per step), against 100 B before those changes. GPT-2 124M's bare training step
 * (bench:gpt2 --parts train, no trainer around it) peaked at 4.41 GiB, about 20 B per parameter besides its
 * activations: what the trainer adds (its eval and one-step sessions, the state copies it makes) is the rest.
 */
const BYTES_TRAINED_NO_ARENA = 70;
/** Per frozen parameter (PPO's reference and reward model, generation): the weights in JS and as the session's input, twice. Not fitted: an assumption. */
const BYTES_FROZEN = 16;
/**
 * PPO (ml/rlhf/ppo-loop.ts), fitted to `npm run bench:gpt2`'s measured PPO iteration (GPT-2 124M, minibatch
 * 4 × 125 tokens, 2026-12-04: 9.65 GiB peak RSS; 1 and 3 layers of the same width: 4.25 and 5.19 GiB). Its
 * sessions run without memory arenas and take turns, so only the largest step's activations (the policy's,
 * with the V-wide logits) count, and each trained model holds, per parameter, its weights and AdamW's two
 * moments twice (the state and the buffers the next step writes into): 24 B; each frozen one its weights
 * and little more (the reference's initializers, the reward model's state): 6 B.
 */
export const PPO_BYTES_TRAINED = 24;
export const PPO_BYTES_FROZEN = 6;
/** Per token of a step's batch, per unit of (L·C + V): the activations kept for the backward pass and their gradients. */
const ACT_BYTES = 80;
/** Per (row · head · T² · layer): attention scores, probabilities and their gradients. */
const ATT_BYTES = 32;
/**
 * Sustained training throughput per intra-op thread (FLOP/s): GPT-2 124M, batch 4 × 256, took about
 * 10 s per step on 2 quiet threads (issue 13): 0.79 TFLOP per step, 79 GFLOP/s. Small models run
 * below this rate (fixed costs per step), so their time is underestimated.
 */
const GFLOPS_PER_THREAD = 40e9;

type EstimateKind = 'pretrain' | 'sft' | 'reward_model' | 'ppo' | 'dpo' | 'generate';

export interface EstimateInput {
  kind: EstimateKind;
  model: GPTConfig;
  /** Rows per optimizer step (pretrain/SFT: batchSize; reward model: rankings per step; PPO: miniBatch; generate: prompts at once). */
  batchSize: number;
  /** Tokens per row (pretrain/SFT/reward model: seqLen, 0 → the context; PPO/generate: prompt + new tokens). */
  seqLen: number;
  threads: number;
  /** Reward model: answers per prompt (each is scored; default 4). */
  answersPerPrompt?: number;
}

export interface Estimate {
  /** Peak resident memory (bytes) and its parts. */
  bytes: { total: number; runtime: number; weights: number; activations: number };
  /** Seconds per optimizer step (PPO: per update step of one minibatch; generate: 0). */
  stepSec: number;
  params: number;
  /** One line: the shape and batch the figures are for. */
  basis: string;
}

const trainedBytes = (P: number) => (P < TRAINING_ARENA_MAX_PARAMS ? BYTES_TRAINED : BYTES_TRAINED_NO_ARENA);

const actBytes = (m: GPTConfig, rows: number, T: number, withLogits: boolean) =>
  ACT_BYTES * rows * T * (m.nLayer * m.nEmbd + (withLogits ? m.vocabSize : 0)) + ATT_BYTES * rows * m.nHead * T * T * m.nLayer;

const flops = (m: GPTConfig, P: number, tokens: number, T: number) => tokens * (6 * P + 12 * m.nLayer * m.nEmbd * T);

/** The estimate of one run's peak memory and time per step. */
export function estimateRun(x: EstimateInput): Estimate {
  const m = x.model;
  const P = paramCount(m);
  const T = Math.max(1, Math.min(x.seqLen || m.nCtx, m.nCtx));
  const threads = Math.max(1, x.threads);
  let weights = 0;
  let activations = 0;
  let stepFlops = 0;
  let rows = Math.max(1, x.batchSize);
  switch (x.kind) {
    case 'pretrain':
    case 'sft':
      weights = trainedBytes(P) * P;
      activations = actBytes(m, rows, T, true);
      stepFlops = flops(m, P, rows * T, T);
      break;
    case 'reward_model':
      rows *= x.answersPerPrompt ?? 4;
      weights = trainedBytes(P) * P;
      activations = actBytes(m, rows, T, false);
      stepFlops = flops(m, P - m.vocabSize * m.nEmbd, rows * T, T);
      break;
    case 'ppo':
      // policy + value model trained; reference + reward model frozen; one peak of activations (the policy step's)
      weights = 2 * PPO_BYTES_TRAINED * P + 2 * PPO_BYTES_FROZEN * P;
      activations = actBytes(m, rows, T, true);
      stepFlops = flops(m, P, rows * T, T) + flops(m, P - m.vocabSize * m.nEmbd, rows * T, T);
      break;
    case 'dpo':
      // policy trained, reference frozen; every answer of each ranking through the LM head
      rows *= x.answersPerPrompt ?? 4;
      weights = trainedBytes(P) * P + BYTES_FROZEN * P;
      activations = actBytes(m, rows, T, true);
      stepFlops = flops(m, P, rows * T, T);
      break;
    case 'generate':
      // weights, the KV cache and one step's logits
      weights = BYTES_FROZEN * P;
      activations = 4 * rows * (2 * m.nLayer * T * m.nEmbd + m.vocabSize);
      stepFlops = 0;
      break;
  }
  const total = RUNTIME_BYTES + weights + activations;
  return {
    bytes: { total, runtime: RUNTIME_BYTES, weights, activations },
    stepSec: stepFlops / (GFLOPS_PER_THREAD * threads),
    params: P,
    basis: `${fmtCount(P)} parameters, ${rows} × ${T} tokens per step, ${threads} thread${threads === 1 ? '' : 's'}`,
  };
}

/** 124,439,808 → "124.4M". */
export function fmtCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** Bytes as "1.2 GB" (powers of 1024, as the memory a machine reports). */
export function fmtBytes(n: number): string {
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${u[i]}`;
}
