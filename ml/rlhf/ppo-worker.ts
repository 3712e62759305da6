// Worker-thread entry of trainPPO: runs the PPO loop here; progress and reward requests go to
// the caller's thread as messages (see ppo-trainer.ts).

import { parentPort, workerData } from 'node:worker_threads';
import type { PPOConfig } from './ppo-config';
import { runPPO, type RewardFn } from './ppo-loop';
import type { FromWorker, ToWorker } from './ppo-trainer';

const port = parentPort!;
const { config, rewardHook } = workerData as { config: PPOConfig; rewardHook: boolean };
const post = (m: FromWorker) => port.postMessage(m);
const pending = new Map<number, { resolve: (s: number[]) => void; reject: (e: Error) => void }>();
let aborted = false;
let nextId = 0;

port.on('message', (m: ToWorker) => {
  if (m.type === 'abort') aborted = true;
  else {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.scores) p?.resolve(m.scores);
    else p?.reject(new Error(m.error ?? 'hooks.reward gave no scores'));
  }
});

const reward: RewardFn | undefined = rewardHook
  ? (samples) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        post({ type: 'reward', id, samples });
      })
  : undefined;

runPPO(config, { progress: (progress) => post({ type: 'progress', progress }), reward, aborted: () => aborted })
  .then((result) => post({ type: 'done', result }))
  .catch((e: Error) => post({ type: 'error', name: e.name, message: e.message }));
