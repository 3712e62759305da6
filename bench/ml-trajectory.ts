// The many-step parity check of `npm run bench:ml`: our trainer's step and PyTorch's, from the same
// weights, on the same 20 batches, each with a fresh AdamW. Agreement of the first loss says the
// forward pass matches; agreement after 20 optimizer steps says the gradients and the optimizer do.

import path from 'node:path';
import { initAdamWState, lmLossGraph, prng, readSafetensors, StateRunner, trainStepModel, type GPTConfig } from '../ml/index';

export const TRAJECTORY_STEPS = 20;
export const TRAJECTORY_LOSS_TARGET = 1e-3;

export interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  weight_decay: number;
  max_grad_norm: number;
}

/** `steps` batches of (B, T + 1) token ids, seeded, different from the timing batch. */
export function trajectoryBatches(c: GPTConfig, steps: number, B: number, T: number): number[][][] {
  const r = prng(2024);
  return Array.from({ length: steps }, () => Array.from({ length: B }, () => Array.from({ length: T + 1 }, () => Math.floor(r() * c.vocabSize))));
}

/** Trains `batches.length` steps (one optimizer step per run, as a check should) and returns every loss and the final weights. */
export async function ourTrajectory(c: GPTConfig, params: Record<string, Float32Array>, batches: number[][][], adam: AdamSettings, threads: number) {
  const B = batches[0].length;
  const T = batches[0][0].length - 1;
  const runner = new StateRunner({ intraOpThreads: threads });
  try {
    const { graph, loss } = lmLossGraph(c, B, T);
    await runner.load(
      'step',
      trainStepModel(graph, { loss }, { beta1: adam.beta1, beta2: adam.beta2, weightDecay: adam.weight_decay, maxGradNorm: adam.max_grad_norm }),
    );
    await runner.setState({ ...params, ...initAdamWState(graph.paramList) });
    const losses: number[] = [];
    for (const [i, ids] of batches.entries()) {
      const out = await runner.run('step', {
        input_ids: BigInt64Array.from(
          ids.flatMap((r) => r.slice(0, T)),
          BigInt,
        ),
        targets: BigInt64Array.from(
          ids.flatMap((r) => r.slice(1)),
          BigInt,
        ),
        loss_mask: new Float32Array(B * T).fill(1),
        lr: new Float32Array([adam.lr]),
        step: new Float32Array([i + 1]),
      });
      losses.push(out.loss[0] as number);
    }
    const state = await runner.getState(Object.keys(params));
    return { losses, params: state as Record<string, Float32Array> };
  } finally {
    await runner.dispose();
  }
}

/**
 * Compares our trajectory with PyTorch's: the largest relative loss difference over the steps,
 * and, for the final weights, the largest absolute difference and the relative difference
 * ‖ours − theirs‖ / ‖theirs‖ over all parameters together.
 */
export function compareTrajectories(ours: { losses: number[]; params: Record<string, Float32Array> }, theirLosses: number[], theirDir: string) {
  const lossRel = Math.max(...ours.losses.map((l, i) => Math.abs(l - theirLosses[i]) / Math.abs(theirLosses[i])));
  const theirs = readSafetensors(path.join(theirDir, 'trajectory.safetensors'));
  let maxAbs = 0;
  let diff2 = 0;
  let norm2 = 0;
  for (const [name, a] of Object.entries(ours.params)) {
    const b = theirs[name]?.data;
    if (!b || b.length !== a.length) throw new Error(`the PyTorch trajectory has no tensor ${name} of ${a.length} values`);
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      maxAbs = Math.max(maxAbs, Math.abs(d));
      diff2 += d * d;
      norm2 += b[i] * b[i];
    }
  }
  return { lossRel, paramMaxAbs: maxAbs, paramRel: Math.sqrt(diff2 / norm2) };
}
