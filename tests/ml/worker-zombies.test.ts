// Engine worker threads started from TypeScript compile through tsx, whose esbuild child process
// lives in the thread's module-hooks thread. Terminating the worker used to leave that child
// defunct (a zombie) under the process, one per worker (issue 21: three under every training
// worker). The tsx cache is off here so each worker really starts a compiler.
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerRunner } from '../../ml/runtime/worker-runner';
import { defunctChildren } from '../helpers/procs';

const cache = process.env.TSX_DISABLE_CACHE;
process.env.TSX_DISABLE_CACHE = '1';
afterAll(() => {
  if (cache === undefined) delete process.env.TSX_DISABLE_CACHE;
  else process.env.TSX_DISABLE_CACHE = cache;
});

describe('engine worker threads', () => {
  it('leave no defunct child process behind when disposed', async () => {
    const before = defunctChildren(process.pid).length;
    for (let i = 0; i < 2; i++) {
      const runner = new WorkerRunner({ intraOpThreads: 1 });
      await runner.dispose(); // answers once the worker's modules are compiled and loaded
    }
    await new Promise((r) => setTimeout(r, 300)); // a child killed at terminate has exited by now
    expect(defunctChildren(process.pid)).toHaveLength(before);
  }, 120_000);
});
