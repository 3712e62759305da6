// trainPPO: RLHF with PPO (InstructGPT, Ouyang et al. 2022) on the GPT-2 decoder. The loop
// (ppo-loop.ts) runs in a worker thread by default, so the caller's event loop (a web server)
// stays free; progress comes back through a callback, and a hooks.reward function stays in the
// caller's thread (the worker asks it for each rollout batch's scores).

import type { Worker } from 'node:worker_threads';
import { EngineError } from '../runtime/config';
import { spawnModule } from '../runtime/worker-runner';
import { resolvePPOConfig, type PPOConfig } from './ppo-config';
import { runPPO, type PPOResult, type RewardFn, type RewardSample } from './ppo-loop';
import type { RLProgress } from './progress';

export interface PPOHooks {
  onProgress?: (p: RLProgress) => void;
  /** Aborting stops after the current iteration and writes a checkpoint. */
  signal?: AbortSignal;
  /** Scores the rollouts instead of a reward model folder (tests, benchmarks, programmatic rewards). */
  reward?: RewardFn;
}

/** Messages between trainPPO and its worker (ppo-worker.ts). */
export type ToWorker = { type: 'abort' } | { type: 'reward'; id: number; scores?: number[]; error?: string };
export type FromWorker =
  | { type: 'progress'; progress: RLProgress }
  | { type: 'reward'; id: number; samples: RewardSample[] }
  | { type: 'done'; result: PPOResult }
  | { type: 'error'; name: string; message: string };

/** Trains per `config` (see PPO_DEFAULTS): defaults < config. */
export async function trainPPO(config: Partial<PPOConfig>, hooks: PPOHooks = {}): Promise<PPOResult> {
  const tc = resolvePPOConfig(config);
  if (!tc.worker) return runPPO(tc, { progress: (p) => hooks.onProgress?.(p), reward: hooks.reward, aborted: () => !!hooks.signal?.aborted });
  const worker = spawnModule(new URL('./ppo-worker.ts', import.meta.url), { config: tc, rewardHook: !!hooks.reward });
  return new Promise<PPOResult>((resolve, reject) => {
    let settled = false;
    const send = (m: ToWorker) => worker.postMessage(m);
    const onAbort = () => send({ type: 'abort' });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    hooks.signal?.addEventListener('abort', onAbort);
    if (hooks.signal?.aborted) onAbort();
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress') hooks.onProgress?.(m.progress);
      else if (m.type === 'reward') void askReward(worker, hooks.reward!, m.id, m.samples);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(Object.assign(new Error(m.message), { name: m.name })));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new EngineError(`the PPO worker exited (code ${code})`))));
  });
}

async function askReward(worker: Worker, reward: RewardFn, id: number, samples: RewardSample[]): Promise<void> {
  try {
    worker.postMessage({ type: 'reward', id, scores: await reward(samples) } satisfies ToWorker);
  } catch (e) {
    worker.postMessage({ type: 'reward', id, error: `hooks.reward failed: ${(e as Error).message}` } satisfies ToWorker);
  }
}
