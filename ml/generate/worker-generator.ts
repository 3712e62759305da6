// The main-thread handle to a Generator running in a worker thread (for the web server).

import type { Worker } from 'node:worker_threads';
import type { GPTConfig } from '../model/config';
import { EngineError, type RuntimeConfig } from '../runtime/config';
import { spawnModule } from '../runtime/worker-runner';
import type { GenerateOptions, Generation } from './generator';

export class GeneratorWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure?: Error;

  /** The weights are copied to the worker once; each generate() call then runs there. */
  constructor(config: GPTConfig, params: Record<string, Float32Array>, runtime: RuntimeConfig = { intraOpThreads: 2 }) {
    this.worker = spawnModule(new URL('./worker.ts', import.meta.url), { config, params, runtime });
    this.worker.on('message', (reply: { id: number; ok: boolean; value?: unknown; error?: { name: string; message: string } }) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(Object.assign(new EngineError(reply.error!.message), { name: reply.error!.name }));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new EngineError(`the generation worker exited (code ${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call<T>(method: 'generate' | 'dispose', args: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  generate(prompts: readonly (readonly number[])[], o: GenerateOptions = {}): Promise<Generation> {
    return this.call('generate', [prompts, o]);
  }

  async dispose(): Promise<void> {
    if (!this.failure) await this.call('dispose', []);
    this.failure ??= new EngineError('the generation worker was disposed');
    await this.worker.terminate();
  }
}
