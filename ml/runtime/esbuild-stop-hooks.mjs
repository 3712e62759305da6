// Module hooks for engine workers started from TypeScript (see spawnModule in worker-runner.ts).
// tsx compiles the worker's modules through an esbuild child process that the worker's hooks
// thread starts. If the worker ends with that child running, no event loop is left to wait for
// it, and it stays defunct (a zombie) under the process until the process exits. Importing the
// specifier STOP from the worker stops the child here and gives this thread's loop the moment it
// needs to collect the child's exit; every other specifier passes through untouched.
import { setTimeout as sleep } from 'node:timers/promises';

export const STOP = 'rlhf-esbuild-stop:now';

/** Time for the killed child's SIGCHLD to reach this thread's event loop. */
const REAP_MS = 100;

export async function resolve(specifier, context, nextResolve) {
  if (specifier !== STOP) return nextResolve(specifier, context);
  try {
    const esbuild = await import('esbuild');
    await esbuild.stop(); // kills the child; this thread's loop reaps it while we wait
    await sleep(REAP_MS);
  } catch {
    // esbuild not started or not installed: nothing to reap
  }
  return { url: 'data:text/javascript,export default true', shortCircuit: true };
}
