// Worker-thread entry: hosts a StateRunner so that onnxruntime's blocking run() never
// touches the caller's event loop. Spawned by WorkerRunner.

import { parentPort, workerData } from 'node:worker_threads';
import type { RuntimeConfig } from './config';
import { StateRunner } from './state-runner';

export interface Request {
  id: number;
  method: 'load' | 'setState' | 'getState' | 'run' | 'stats' | 'dispose';
  args: unknown[];
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

const runner = new StateRunner(workerData as RuntimeConfig);
const port = parentPort!;

port.on('message', async ({ id, method, args }: Request) => {
  try {
    const fn = runner[method] as (...a: unknown[]) => Promise<unknown>;
    const value = await fn.apply(runner, args);
    const transfer = method !== 'stats' && value && typeof value === 'object' ? Object.values(value).map((a: { buffer: ArrayBuffer }) => a.buffer) : [];
    port.postMessage({ id, ok: true, value } satisfies Reply, transfer);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ id, ok: false, error: { name: err.name, message: err.message } } satisfies Reply);
  }
});
