// The one request/reply protocol between the main thread and an engine worker thread: the
// caller posts { id, method, args }, the other side answers { id, ok, value } or { id, ok: false,
// error }, in any order. An error crosses as its name and message; a thread that dies rejects
// every pending call. Either side may serve and call on the same channel (requests carry a method,
// replies an ok; each side numbers its own calls). Used by WorkerRunner (sessions), GeneratorWorker
// (sampling) and trainPPO (the caller asks the thread to train; the thread sends progress and asks
// the caller for rewards).

import { Worker } from 'node:worker_threads';
import { EngineError } from './config';

interface RpcRequest {
  id: number;
  method: string;
  args: unknown[];
}

type RpcReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

type Methods = Record<string, (...args: never[]) => Promise<unknown>>;

/** One end of a thread's channel: the Worker (the caller's side) or the thread's parentPort. */
interface Port {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  postMessage(value: unknown, transfer?: readonly ArrayBuffer[]): void;
}

const isRequest = (m: unknown): m is RpcRequest => typeof m === 'object' && m !== null && 'method' in m;
const isReply = (m: unknown): m is RpcReply => typeof m === 'object' && m !== null && 'ok' in m;

/**
 * Thread side: answers each request by calling methods[method](...args). `transfer` names the
 * buffers of a value that may move to the caller instead of being copied.
 */
export function serveRpc(port: Port, methods: Methods, transfer: (method: string, value: unknown) => ArrayBuffer[] = () => []): void {
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
  port.on('message', (m) => {
    if (isRequest(m)) void answer(m);
  });
}

/** Caller side: one call per request, matched to its reply by id. */
export class RpcClient<M extends string> {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure?: Error;

  /**
   * `what` names the other side in errors ("the engine worker", "the generation worker"). On the
   * caller's side `port` is the Worker, whose error or exit rejects what is pending.
   */
  constructor(
    private readonly port: Port | Worker,
    private readonly what: string,
  ) {
    (port as Port).on('message', (reply) => {
      if (!isReply(reply)) return;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(Object.assign(new EngineError(reply.error.message), { name: reply.error.name }));
    });
    if (port instanceof Worker) {
      port.on('error', (e) => this.fail(e));
      port.on('exit', (code) => this.fail(new EngineError(`${what} exited (code ${code})`)));
    }
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
      this.port.postMessage({ id, method, args } satisfies RpcRequest, transfer);
    });
  }

  /** Calls `dispose` in the thread (unless it already failed), then terminates it (caller's side). */
  async close(dispose: M): Promise<void> {
    if (!this.failure) await this.call(dispose, []);
    this.failure ??= new EngineError(`${this.what} was disposed`);
    if (this.port instanceof Worker) await this.port.terminate();
  }
}
