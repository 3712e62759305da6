// Worker-thread entry of trainPPO: runs the PPO loop here. Over thread-rpc it serves train and
// abort, and calls the caller's thread for progress and rewards (see ppo-trainer.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { RpcClient, serveRpc } from '../runtime/thread-rpc';
import type { PPOConfig } from './ppo-config';
import { runPPO, type RewardFn } from './ppo-loop';
import type { PPOCallerMethod, PPOWorkerMethod } from './ppo-trainer';

const port = parentPort!;
const { config, rewardHook } = workerData as { config: PPOConfig; rewardHook: boolean };
const caller = new RpcClient<PPOCallerMethod>(port, 'the caller of trainPPO');
let aborted = false;

const reward: RewardFn | undefined = rewardHook ? (samples) => caller.call<number[]>('reward', [samples]) : undefined;

serveRpc(port, {
  train: () =>
    runPPO(config, {
      progress: (p) => void caller.call('progress', [p]),
      reward,
      aborted: () => aborted,
      beforeSave: () => caller.call<void>('beforeSave', []),
    }),
  abort: async () => {
    aborted = true;
  },
} satisfies Record<PPOWorkerMethod, unknown>);
