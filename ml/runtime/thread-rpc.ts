// The one request/reply protocol between the main thread and an engine worker thread: the
// caller posts { id, method, args }, the thread answers { id, ok, value } or { id, ok: false,
// error }, in any order. An error crosses as its name and message; a thread that dies rejects
// every pending call. Used by WorkerRunner (sessions) and GeneratorWorker (sampling).

import type { MessagePort, Worker } from 'node:worker_threads';
import { EngineError } from './config';

interface RpcRequest {
  id: number;
  method: string;
  args: unknown[];
}

type RpcReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

type Methods = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * Thread side: answers each request by calling methods[method](...args). `transfer` names the
 * buffers of a value that may move to the caller instead of being copied.
 */
export function serveRpc(port: MessagePort, methods: Methods, transfer: (method: string, value: unknown) => ArrayBuffer[] = () => []): void {
  const answer = async ({ id, method, args }: RpcRequest): Promise<void> => {
    try {
      const fn = methods[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (!fn) throw new EngineError(`unknown method ${method}`);
      const value = await fn(...args);
      port.postMessage({ id, ok: true, value } satisfies RpcReply, transfer(method, value));
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ id, ok: false, error: { name: err.name, message: err.message } } satisfies RpcReply);
    }
  };
  port.on('message', (req: RpcRequest) => void answer(req));
}

/** Caller side: one call per request, matched to its reply by id. */
export class RpcClient<M extends string> {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure?: Error;

  /** `what` names the thread in errors ("the engine worker", "the generation worker"). */
  constructor(
    private readonly worker: Worker,
    private readonly what: string,
  ) {
    worker.on('message', (reply: RpcReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(Object.assign(new EngineError(reply.error.message), { name: reply.error.name }));
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => this.fail(new EngineError(`${what} exited (code ${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  call<T>(method: M, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies RpcRequest, transfer);
    });
  }

  /** Calls `dispose` in the thread (unless it already failed), then terminates it. */
  async close(dispose: M): Promise<void> {
    if (!this.failure) await this.call(dispose, []);
    this.failure ??= new EngineError(`${this.what} was disposed`);
    await this.worker.terminate();
  }
}
