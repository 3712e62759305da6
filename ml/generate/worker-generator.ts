// The main-thread handle to a Generator running in a worker thread (for the web server).

import type { GPTConfig } from '../model/config';
import type { RuntimeConfig } from '../runtime/config';
import { RpcClient } from '../runtime/thread-rpc';
import { spawnModule } from '../runtime/worker-runner';
import type { GenerateOptions, Generation } from './generator';

export class GeneratorWorker {
  private readonly rpc: RpcClient<'generate' | 'dispose'>;

  /** The weights are copied to the worker once; each generate() call then runs there. */
  constructor(config: GPTConfig, params: Record<string, Float32Array>, runtime: RuntimeConfig = { intraOpThreads: 2 }) {
    this.rpc = new RpcClient(spawnModule(new URL('./worker.ts', import.meta.url), { config, params, runtime }), 'the generation worker');
  }

  generate(prompts: readonly (readonly number[])[], o: GenerateOptions = {}): Promise<Generation> {
    return this.rpc.call('generate', [prompts, o]);
  }

  dispose(): Promise<void> {
    return this.rpc.close('dispose');
  }
}
