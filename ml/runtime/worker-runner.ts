// The main-thread handle to a worker thread running the engine (see worker.ts).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BuiltModel } from '../graph/core';
import { EngineError, type RuntimeConfig } from './config';
import type { Feeds, RunStats } from './session';
import type { Runner } from './state-runner';
import type { Reply, Request } from './worker';

/** Starts the worker module; from TypeScript sources (tsx, vitest) it registers tsx in the worker first. */
function spawn(config: RuntimeConfig): Worker {
  return spawnModule(new URL('./worker.ts', import.meta.url), config);
}

/**
 * Starts a worker thread running the module at `entry` (a `.ts` URL; its `.js` sibling when
 * running compiled code). Other engine workers (generation) start the same way.
 */
export function spawnModule(entry: URL, workerData: unknown): Worker {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new Worker(new URL(entry.href.replace(/\.ts$/, '.js')), { workerData });
  const tsx = tsxEsmApi(here);
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** File URL of tsx's ESM register API, read from its package exports. */
function tsxEsmApi(from: string): string {
  const pkgPath = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
}

export class WorkerRunner implements Runner {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure?: Error;

  constructor(config: RuntimeConfig = {}) {
    this.worker = spawn(config);
    this.worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(Object.assign(new EngineError(reply.error.message), { name: reply.error.name }));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new EngineError(`the engine worker exited (code ${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call<T>(method: Request['method'], args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies Request, transfer);
    });
  }

  load(key: string, model: BuiltModel): Promise<void> {
    return this.call('load', [key, model]);
  }

  setState(tensors: Feeds): Promise<void> {
    return this.call('setState', [tensors]);
  }

  getState(names?: string[]): Promise<Feeds> {
    return this.call('getState', [names]);
  }

  /** Feeds are copied to the worker (the caller keeps them); outputs are transferred back. */
  run(key: string, feeds: Feeds = {}): Promise<Feeds> {
    return this.call('run', [key, feeds]);
  }

  stats(key: string): Promise<RunStats> {
    return this.call('stats', [key]);
  }

  async dispose(): Promise<void> {
    if (!this.failure) await this.call('dispose', []);
    this.failure ??= new EngineError('the engine worker was disposed');
    await this.worker.terminate();
  }
}
