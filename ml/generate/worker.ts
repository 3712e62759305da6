// Worker-thread entry for GeneratorWorker: hosts a Generator so that generation (a blocking
// run() per token) never touches the caller's event loop. Requests arrive over thread-rpc.

import { parentPort, workerData } from 'node:worker_threads';
import type { GPTConfig } from '../model/config';
import type { RuntimeConfig } from '../runtime/config';
import { serveRpc } from '../runtime/thread-rpc';
import { Generator, type GenerateOptions } from './generator';

interface Init {
  config: GPTConfig;
  params: Record<string, Float32Array>;
  runtime: RuntimeConfig;
}

const init = workerData as Init;
const ready = Generator.create(init.config, init.params, init.runtime);

serveRpc(parentPort!, {
  generate: async (prompts: number[][], o: GenerateOptions) => (await ready).generate(prompts, o),
  dispose: async () => (await ready).dispose(),
});
