// Runtime configuration: device and threading, turned into onnxruntime session options.

import type { InferenceSession } from 'onnxruntime-node';
import { checkDevice, CUDA_MISSING, parseDevice } from './device';
import { EngineError, type Provider } from './errors';
import { TRAINING_ARENA_MAX_PARAMS } from '../model/estimate';

export { CUDA_MISSING, EngineError, type Provider };

export interface RuntimeConfig {
  /** Execution provider (default 'cpu'). 'cuda' needs the CUDA provider files (`npm run gpu:setup`). */
  provider?: Provider;
  /** CUDA device number (default 0). */
  deviceId?: number;
  /** Threads inside one op (default 1: these machines have 2 cores shared by everything). */
  intraOpThreads?: number;
  /**
   * Let intra-op threads spin between ops while a run is in progress (default: true with more
   * than one thread): it saves a thread wake-up per op, about 5% of a training step at 2
   * threads. They stop when the run returns (force_spinning_stop), so an idle session takes
   * no CPU from the web server or other processes.
   */
  spinning?: boolean;
  /** onnxruntime graph optimization level (default 'all'). */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * onnxruntime's verbose log on stderr (default false): it lists which provider each node is
   * placed on (ml/runtime/placement.ts reads it). ML_ORT_VERBOSE=1 turns it on for every session.
   */
  verbose?: boolean;
  /** Measure each session's host↔device copy time once, at its first run (Session.stats().copyMs). */
  measureCopy?: boolean;
  /**
   * onnxruntime's CPU memory arena (default true). Each session's arena keeps the most memory one
   * of its runs needed, for the session's lifetime; without it the memory of a run goes back to
   * the allocator when the run ends, so sessions that take turns (PPO's) share it, and the buffers
   * onnxruntime-node copies the outputs into after a run reuse it. Trainers choose it by model size
   * (trainingArena).
   */
  memArena?: boolean;
  /**
   * onnxruntime's profiler: per-node kernel times written as JSON to `<profile>_<time>.json` when
   * the session is disposed (bench:ml-profile runs a trainer's StateRunner with it).
   */
  profile?: string;
}

/**
 * Whether a trainer keeps the memory arena for a model of `params` parameters: below 20M it does.
 * Measured 2026-12-04 (load average 18–30, so to re-measure on a quiet machine): without it, GPT-2
 * 1 layer × 768 (46M) peaked at 2.12 GiB instead of 3.35 (one step per run, in place), but the
 * bench:ml model (3.3M, d=256) stepped 29 % slower (1,655 vs 1,284 ms, interleaved in one process:
 * each run allocates and faults in its working set again), while its arena holds little.
 */
export function trainingArena(params: number): boolean {
  return params < TRAINING_ARENA_MAX_PARAMS;
}

/** Whether `name` is a device setting parseDevice accepts (config checks name the field themselves). */
/** A trainer's `device` ("cpu" | "cuda" | "cuda:N") and thread count as a RuntimeConfig. */
export function runtimeFor(device: string, intraOpThreads: number, extra: RuntimeConfig = {}): RuntimeConfig {
  const d = parseDevice(device);
  return { ...extra, provider: d.provider, deviceId: d.deviceId, intraOpThreads };
}

/** Throws one sentence up front when the device cannot be used (avoids onnxruntime's stderr noise). */
export function checkProvider(provider: Provider, deviceId = 0): void {
  if (provider !== 'cpu' && provider !== 'cuda') throw new EngineError(`Unknown execution provider "${provider}": use "cpu" or "cuda".`);
  checkDevice({ provider, deviceId });
}

export function sessionOptions(config: RuntimeConfig = {}): InferenceSession.SessionOptions {
  const provider = config.provider ?? 'cpu';
  const threads = config.intraOpThreads ?? 1;
  const spinning = config.spinning ?? threads > 1;
  return {
    executionProviders: provider === 'cuda' ? [{ name: 'cuda', deviceId: config.deviceId ?? 0 }, 'cpu'] : ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: config.optimization ?? 'all',
    ...(config.memArena === false ? { enableCpuMemArena: false } : {}),
    ...(config.profile ? { enableProfiling: true, profileFilePrefix: config.profile } : {}),
    ...((config.verbose ?? process.env.ML_ORT_VERBOSE === '1') ? { logSeverityLevel: 0 as const, logVerbosityLevel: 0 } : {}),
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' }, force_spinning_stop: '1' } },
  };
}
