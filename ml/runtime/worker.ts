// Worker-thread entry: hosts a StateRunner so that onnxruntime's blocking run() never
// touches the caller's event loop. Spawned by WorkerRunner; requests arrive over thread-rpc.

import { parentPort, workerData } from 'node:worker_threads';
import type { RuntimeConfig } from './config';
import { StateRunner } from './state-runner';
import { serveRpc } from './thread-rpc';

export type RunnerMethod = 'load' | 'setState' | 'getState' | 'run' | 'stats' | 'dispose';

const runner = new StateRunner(workerData as RuntimeConfig);
const methods: Record<RunnerMethod, (...args: never[]) => Promise<unknown>> = {
  load: (...a: Parameters<StateRunner['load']>) => runner.load(...a),
  setState: (...a: Parameters<StateRunner['setState']>) => runner.setState(...a),
  getState: (...a: Parameters<StateRunner['getState']>) => runner.getState(...a),
  run: (...a: Parameters<StateRunner['run']>) => runner.run(...a),
  stats: (...a: Parameters<StateRunner['stats']>) => runner.stats(...a),
  dispose: () => runner.dispose(),
};
// Tensors that come back (getState, run) move to the caller instead of being copied.
serveRpc(parentPort!, methods, (method, value) =>
  method !== 'stats' && value && typeof value === 'object' ? Object.values(value).map((a: { buffer: ArrayBuffer }) => a.buffer) : [],
);
