// PyTorch's side of the ML benchmarks: bench/torch_ref.py as a child process that answers one
// command per line (its docstring lists them), with OpenBLAS's best kernels for this CPU.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { referenceEnv } from './openblas';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** What the child says once it is ready (first_loss only when the spec names a model folder). */
export interface TorchInfo {
  torch: string;
  threads: number;
  blas: string;
  first_loss: number;
}

export class TorchRef {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly lines: AsyncIterator<string>,
    readonly info: TorchInfo,
  ) {}

  /** Writes `spec` (torch_ref.py's SPEC) into `dir` as spec.json and starts the child on it, at spec.threads threads. */
  static async start(dir: string, spec: { threads: number } & Record<string, unknown>): Promise<TorchRef> {
    const file = path.join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    const env = referenceEnv(spec.threads); // OpenBLAS's best kernels here (./openblas.ts)
    const child = spawn('/usr/bin/python3', [path.join(import.meta.dirname, 'torch_ref.py'), file], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error('the PyTorch reference exited before it was ready');
    return new TorchRef(child, lines, JSON.parse(first.value));
  }

  private async ask<T>(command: string): Promise<T> {
    this.child.stdin.write(`${command}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error(`the PyTorch reference exited during "${command}"`);
    return JSON.parse(line.value) as T;
  }

  steps = async (n: number) => (await this.ask<{ step_ms: number[] }>(`steps ${n}`)).step_ms;
  generate = async () => (await this.ask<{ gen_tokens_per_sec: number }>('gen')).gen_tokens_per_sec;
  products = async (n: number) => (await this.ask<{ products_ms: number[] }>(`products ${n}`)).products_ms;
  trajectory = async () => (await this.ask<{ losses: number[] }>('trajectory')).losses;
  /** Asks the child to quit; resolves once it has exited (its threads no longer share the cores). */
  close(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    this.child.stdin.end('quit\n');
    return exited;
  }
}
