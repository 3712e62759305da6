// The main-thread handle to a worker thread running the engine (see worker.ts).

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BuiltModel } from '../graph/core';
import type { RuntimeConfig } from './config';
import type { Feeds, RunStats } from './session';
import type { Runner } from './state-runner';
import { RpcClient } from './thread-rpc';
import type { RunnerMethod } from './worker';

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
  // tsx compiles through an esbuild child process started in the worker's hooks thread. A worker
  // that is terminated with it running leaves it defunct (a zombie) under this process, one per
  // worker, since no thread is left to wait for it: terminate() first asks that thread to stop it.
  const channel = `rlhf-esbuild-stop:${randomUUID()}`;
  const stopHooks = new URL('./esbuild-stop-hooks.mjs', import.meta.url).href;
  const boot = `import("node:module").then((mod) => import(${JSON.stringify(tsx)}).then((m) => {
    m.register();
    mod.register(${JSON.stringify(stopHooks)});
    const bc = new BroadcastChannel(${JSON.stringify(channel)});
    bc.unref();
    bc.onmessage = (e) => {
      if (e.data === "stop") import("rlhf-esbuild-stop:now").finally(() => bc.postMessage("stopped"));
    };
    return import(${JSON.stringify(entry.href)});
  }))`;
  const worker = new Worker(boot, { eval: true, workerData });
  const terminate = worker.terminate.bind(worker);
  let exited = false;
  worker.once('exit', () => (exited = true));
  let stopping: Promise<number> | undefined;
  worker.terminate = () => (stopping ??= exited ? terminate() : stopCompiler(channel).then(terminate));
  return worker;
}

/** Asks a worker's hooks thread to stop (and reap) its esbuild child; gives up after a few seconds. */
async function stopCompiler(channel: string): Promise<void> {
  const bc = new BroadcastChannel(channel);
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      bc.onmessage = (e: MessageEvent) => {
        if (e.data !== 'stopped') return;
        clearTimeout(timer);
        resolve();
      };
      bc.postMessage('stop');
    });
  } finally {
    bc.close();
  }
}

/** File URL of tsx's ESM register API, read from its package exports. */
function tsxEsmApi(from: string): string {
  const pkgPath = createRequire(from).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
}

export class WorkerRunner implements Runner {
  private readonly rpc: RpcClient<RunnerMethod>;

  constructor(config: RuntimeConfig = {}) {
    this.rpc = new RpcClient(spawn(config), 'the engine worker');
  }

  load(key: string, model: BuiltModel): Promise<void> {
    return this.rpc.call('load', [key, model]);
  }

  setState(tensors: Feeds): Promise<void> {
    return this.rpc.call('setState', [tensors]);
  }

  getState(names?: string[]): Promise<Feeds> {
    return this.rpc.call('getState', [names]);
  }

  /** Feeds are copied to the worker (the caller keeps them); outputs are transferred back. */
  run(key: string, feeds: Feeds = {}): Promise<Feeds> {
    return this.rpc.call('run', [key, feeds]);
  }

  stats(key: string): Promise<RunStats> {
    return this.rpc.call('stats', [key]);
  }

  dispose(): Promise<void> {
    return this.rpc.close('dispose');
  }
}
