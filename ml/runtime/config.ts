// Runtime configuration: execution provider and threading, turned into onnxruntime session options.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';

export type Provider = 'cpu' | 'cuda';

export interface RuntimeConfig {
  /** Execution provider (default 'cpu'). 'cuda' needs onnxruntime-node's CUDA provider files. */
  provider?: Provider;
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
}

export class EngineError extends Error {
  override name = 'EngineError';
}

export const CUDA_MISSING =
  'The CUDA execution provider is not installed: reinstall onnxruntime-node with its CUDA 12 provider files ' +
  '(`ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci`) on a machine with an NVIDIA GPU, or set the provider to "cpu".';

/** Folder holding onnxruntime-node's native libraries for this platform. */
function nativeDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Throws CUDA_MISSING up front when the provider library is absent (avoids onnxruntime's stderr noise). */
export function checkProvider(provider: Provider): void {
  if (provider !== 'cuda') return;
  if (!existsSync(path.join(nativeDir(), 'libonnxruntime_providers_cuda.so'))) throw new EngineError(CUDA_MISSING);
}

export function sessionOptions(config: RuntimeConfig = {}): InferenceSession.SessionOptions {
  const provider = config.provider ?? 'cpu';
  const threads = config.intraOpThreads ?? 1;
  const spinning = config.spinning ?? threads > 1;
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: config.optimization ?? 'all',
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' }, force_spinning_stop: '1' } },
  };
}
