// Worker-thread entry for GeneratorWorker: hosts a Generator so that generation (a blocking
// run() per token) never touches the caller's event loop.

import { parentPort, workerData } from 'node:worker_threads';
import type { GPTConfig } from '../model/config';
import type { RuntimeConfig } from '../runtime/config';
import { Generator, type GenerateOptions } from './generator';

interface Init {
  config: GPTConfig;
  params: Record<string, Float32Array>;
  runtime: RuntimeConfig;
}

const init = workerData as Init;
const ready = Generator.create(init.config, init.params, init.runtime);
const port = parentPort!;

port.on('message', async ({ id, method, args }: { id: number; method: 'generate' | 'dispose'; args: unknown[] }) => {
  try {
    const gen = await ready;
    const value = method === 'generate' ? await gen.generate(args[0] as number[][], args[1] as GenerateOptions) : await gen.dispose();
    port.postMessage({ id, ok: true, value });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ id, ok: false, error: { name: err.name, message: err.message } });
  }
});
