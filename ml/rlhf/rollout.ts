// Rollouts: the policy samples responses to a batch of prompts with the KV-cache Generator, and
// the (prompt, response) pairs are packed right-padded into the (B, T) rows the PPO graphs read.

import { Generator } from '../generate/generator';
import type { GPTConfig } from '../model/config';
import type { RuntimeConfig } from '../runtime/config';

export interface Rollout {
  prompts: number[][];
  /** Sampled tokens, including the eos that ended a finished response. */
  responses: number[][];
  /** Whether each response ended with eos (else it ran out of maxNewTokens). */
  finished: boolean[];
  /** Packed rows (B, T): prompt + response, then padding. */
  inputIds: BigInt64Array;
  positionIds: BigInt64Array;
  /** The next token at each position. */
  targets: BigInt64Array;
  /** 1 where the target is a response token. */
  mask: Float32Array;
}

/** Packs prompt + response per row: inputs seq[0..n−2], targets seq[1..n−1], right-padded to T with `pad`. */
export function packRollout(prompts: number[][], responses: number[][], finished: boolean[], T: number, pad: number): Rollout {
  const B = prompts.length;
  const inputIds = new BigInt64Array(B * T).fill(BigInt(pad));
  const targets = new BigInt64Array(B * T).fill(BigInt(pad));
  const positionIds = new BigInt64Array(B * T);
  const mask = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const seq = [...prompts[b], ...responses[b]];
    const n = seq.length - 1; // positions with a target
    if (n > T) throw new Error(`packRollout: row ${b} needs ${n} positions, more than T = ${T}`);
    if (!responses[b].length) throw new Error(`packRollout: row ${b} has an empty response`);
    for (let t = 0; t < n; t++) {
      inputIds[b * T + t] = BigInt(seq[t]);
      targets[b * T + t] = BigInt(seq[t + 1]);
      positionIds[b * T + t] = BigInt(t);
      if (t + 1 >= prompts[b].length) mask[b * T + t] = 1;
    }
  }
  return { prompts, responses, finished, inputIds, positionIds, targets, mask };
}

export interface RolloutOptions {
  maxNewTokens: number;
  temperature: number;
  eos: number;
  pad: number;
  seed: number;
  /** Packed row length: the longest prompt of the run plus maxNewTokens − 1. */
  T: number;
  runtime?: RuntimeConfig;
}

/**
 * Samples one response per prompt from the policy's current weights (frozen into fresh
 * generation sessions, released afterwards) and packs them. Plain sampling at the temperature:
 * no top-k/top-p, so the training graph's softmax(logits / T) is exactly the sampling distribution.
 */
export async function rollout(config: GPTConfig, weights: Record<string, Float32Array>, prompts: number[][], o: RolloutOptions): Promise<Rollout> {
  const gen = await Generator.create(config, weights, o.runtime);
  try {
    const out = await gen.generate(prompts, { maxNewTokens: o.maxNewTokens, temperature: o.temperature, eos: o.eos, pad: o.pad, seed: o.seed });
    return packRollout(prompts, out.tokens, out.finished, o.T, o.pad);
  } finally {
    await gen.dispose();
  }
}

/** Row-gathers (rows of length `T`) from (B, T) arrays: the minibatch of `rows`. */
export function takeRows<A extends Float32Array | BigInt64Array>(a: A, rows: readonly number[], T: number): A {
  const out = new (a.constructor as { new (n: number): A })(rows.length * T);
  rows.forEach((r, i) => out.set(a.subarray(r * T, (r + 1) * T) as never, i * T));
  return out;
}
