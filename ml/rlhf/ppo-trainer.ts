// trainPPO: RLHF with PPO (InstructGPT, Ouyang et al. 2022) on the GPT-2 decoder. The loop
// (ppo-loop.ts) runs in a worker thread by default, so the caller's event loop (a web server)
// stays free; progress comes back through a callback, and a hooks.reward function stays in the
// caller's thread (the worker asks it for each rollout batch's scores).

import { spawnModule } from '../runtime/worker-runner';
import { RpcClient, serveRpc } from '../runtime/thread-rpc';
import { resolvePPOConfig, type PPOConfig } from './ppo-config';
import { runPPO, type PPOResult, type RewardFn, type RewardSample } from './ppo-loop';
import type { RLHooks, RLProgress } from './progress';

/** beforeSave runs in the caller's thread; the loop's worker asks for it over its channel. */
export interface PPOHooks extends RLHooks {
  /** Scores the rollouts instead of a reward model folder (tests, benchmarks, programmatic rewards). */
  reward?: RewardFn;
}

/** What trainPPO's worker (ppo-worker.ts) serves over thread-rpc, and what it calls back here. */
export type PPOWorkerMethod = 'train' | 'abort';
export type PPOCallerMethod = 'progress' | 'reward' | 'beforeSave';

/** Trains per `config` (see PPO_DEFAULTS): defaults < config. */
export async function trainPPO(config: Partial<PPOConfig>, hooks: PPOHooks = {}): Promise<PPOResult> {
  const tc = resolvePPOConfig(config);
  if (!tc.worker)
    return runPPO(tc, { progress: (p) => hooks.onProgress?.(p), reward: hooks.reward, aborted: () => !!hooks.signal?.aborted, beforeSave: hooks.beforeSave });
  const worker = spawnModule(new URL('./ppo-worker.ts', import.meta.url), { config: tc, rewardHook: !!hooks.reward });
  const thread = new RpcClient<PPOWorkerMethod>(worker, 'the PPO worker');
  serveRpc(worker, {
    progress: async (p: RLProgress) => hooks.onProgress?.(p),
    // messages on one port arrive in order: the progress events sent before this one are handled
    beforeSave: async () => hooks.beforeSave?.(),
    reward: async (samples: RewardSample[]) => {
      let scores: number[] | undefined;
      try {
        scores = await hooks.reward!(samples);
      } catch (e) {
        throw new Error(`hooks.reward failed: ${(e as Error).message}`);
      }
      if (!scores) throw new Error('hooks.reward gave no scores');
      return scores;
    },
  } satisfies Record<PPOCallerMethod, unknown>);
  // a worker that already stopped has its failure reported by the train call
  const onAbort = () => void thread.call('abort', []).catch(() => undefined);
  hooks.signal?.addEventListener('abort', onAbort);
  try {
    const result = thread.call<PPOResult>('train', []);
    if (hooks.signal?.aborted) onAbort();
    return await result;
  } finally {
    hooks.signal?.removeEventListener('abort', onAbort);
    void worker.terminate();
  }
}
