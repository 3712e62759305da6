// Generation with a KV cache: one prefill over the left-padded prompts, then one step per new
// token. The cache is a host buffer per layer (B, nh, S, hs) that the step graph reads
// zero-copy; each step's new keys/values are written into their slot here.

import type { GPTConfig } from '../model/config';
import { MASKED } from '../model/gpt';
import { padBatch } from '../model/batch';
import { prng } from '../runtime/init';
import { StateRunner } from '../runtime/state-runner';
import type { RuntimeConfig } from '../runtime/config';
import { pastKey, pastValue, prefillModel, presentKey, presentValue, stepModel } from './graphs';
import { sampleToken, type SamplingOptions } from './sample';

const roundUp = (n: number, k: number) => Math.ceil(n / k) * k;

export class GenerationError extends Error {
  override name = 'GenerationError';
}

export interface GenerateOptions extends SamplingOptions {
  /** New tokens per row at most (default 64). */
  maxNewTokens?: number;
  /** A row stops after sampling one of these (default: none). */
  eos?: number | number[];
  /** Id used for left padding (default: the first eos, else 0); never seen by real tokens. */
  pad?: number;
  seed?: number; // default 0
  /** Keep each step's logits (B, V), for tests and analysis. */
  keepLogits?: boolean;
}

export interface Generation {
  /** Sampled tokens per row, up to and including the eos that stopped it. */
  tokens: number[][];
  /** log p of each sampled token under the sampling distribution (temperature, top-k, top-p). */
  logprobs: number[][];
  /** log p of each sampled token under the unscaled model (what PPO's ratio needs). */
  modelLogprobs: number[][];
  /** Whether each row stopped at eos (else it ran out of maxNewTokens). */
  finished: boolean[];
  /** With keepLogits: the logits (B, V) each token was sampled from. */
  stepLogits?: Float32Array[];
}

export class Generator {
  private readonly loaded = new Set<string>();

  private constructor(
    readonly config: GPTConfig,
    private readonly weights: Record<string, Float32Array>,
    private readonly runner: StateRunner,
  ) {}

  /**
   * Generation sessions run in this thread, with the weights frozen into them as initializers
   * (onnxruntime prepacks them). Run it inside a worker for a server.
   */
  static async create(config: GPTConfig, params: Record<string, Float32Array>, runtime: RuntimeConfig = { intraOpThreads: 2 }): Promise<Generator> {
    return new Generator(config, params, new StateRunner(runtime));
  }

  private async ensure(key: string, build: () => Parameters<StateRunner['load']>[1]): Promise<void> {
    if (this.loaded.has(key)) return;
    await this.runner.load(key, build());
    this.loaded.add(key);
  }

  async generate(prompts: readonly (readonly number[])[], o: GenerateOptions = {}): Promise<Generation> {
    const c = this.config;
    const B = prompts.length;
    const maxNew = o.maxNewTokens ?? 64;
    if (B === 0) throw new GenerationError('generate: no prompts');
    if (prompts.some((p) => p.length === 0)) throw new GenerationError('generate: a prompt is empty (start it with the bos token)');
    const eos = new Set(o.eos === undefined ? [] : Array.isArray(o.eos) ? o.eos : [o.eos]);
    const pad = o.pad ?? (eos.size ? [...eos][0] : 0);
    const longest = Math.max(...prompts.map((p) => p.length));
    if (longest + maxNew > c.nCtx) {
      throw new GenerationError(`generate: a prompt of ${longest} tokens plus maxNewTokens ${maxNew} exceeds the model's context nCtx = ${c.nCtx}`);
    }
    // lengths are rounded up (extra left padding, extra masked cache slots) so few graph shapes are built
    const P = Math.min(c.nCtx, roundUp(longest, 8));
    const batch = padBatch(prompts, { padId: pad, side: 'left', seq: P });
    const S = roundUp(Math.max(1, P + maxNew - 1), 32); // cache slots: the prompt and every fed new token
    const nh = c.nHead;
    const hs = c.nEmbd / nh;
    const V = c.vocabSize;
    await this.ensure(`prefill:${B}:${P}`, () => prefillModel(c, B, P, this.weights));
    if (maxNew > 1) await this.ensure(`step:${B}:${S}`, () => stepModel(c, B, S, this.weights));

    const rand = prng(o.seed ?? 0);
    const out: Generation = { tokens: [], logprobs: [], modelLogprobs: [], finished: new Array(B).fill(false) };
    for (let b = 0; b < B; b++) {
      out.tokens.push([]);
      out.logprobs.push([]);
      out.modelLogprobs.push([]);
    }
    if (o.keepLogits) out.stepLogits = [];

    // ---- prefill ----
    const first = await this.runner.run(`prefill:${B}:${P}`, {
      input_ids: batch.inputIds,
      position_ids: batch.positionIds,
      attention_mask: batch.attentionMask,
    });
    const cache: Record<string, Float32Array> = {};
    for (let l = 0; l < c.nLayer; l++) {
      for (const [name, present] of [
        [pastKey(l), presentKey(l)],
        [pastValue(l), presentValue(l)],
      ]) {
        const buf = new Float32Array(B * nh * S * hs);
        const src = first[present] as Float32Array; // (B, nh, P, hs)
        for (let r = 0; r < B * nh; r++) buf.set(src.subarray(r * P * hs, (r + 1) * P * hs), r * S * hs);
        cache[name] = buf;
      }
    }
    const bias = new Float32Array(B * S).fill(MASKED); // (B, 1, 1, S)
    for (let b = 0; b < B; b++) for (let j = 0; j < P; j++) if (batch.attentionMask[b * P + j]) bias[b * S + j] = 0;

    // ---- sample, then feed the token back ----
    let logits = first.logits as Float32Array;
    const ids = new BigInt64Array(B);
    const pos = new BigInt64Array(B);
    for (let i = 0; i < maxNew; i++) {
      if (o.keepLogits) out.stepLogits!.push(logits.slice());
      for (let b = 0; b < B; b++) {
        if (out.finished[b]) {
          ids[b] = BigInt(pad);
          continue;
        }
        const s = sampleToken(logits.subarray(b * V, (b + 1) * V), o, rand);
        out.tokens[b].push(s.token);
        out.logprobs[b].push(s.logprob);
        out.modelLogprobs[b].push(s.modelLogprob);
        if (eos.has(s.token)) out.finished[b] = true;
        ids[b] = BigInt(s.token);
        pos[b] = BigInt(batch.lengths[b] + i);
      }
      if (i + 1 === maxNew || out.finished.every(Boolean)) break;
      const slot = P + i;
      const step = await this.runner.run(`step:${B}:${S}`, { input_ids: ids, position_ids: pos, past_bias: bias, ...cache });
      for (let l = 0; l < c.nLayer; l++) {
        for (const [name, present] of [
          [pastKey(l), presentKey(l)],
          [pastValue(l), presentValue(l)],
        ]) {
          const src = step[present] as Float32Array; // (B, nh, 1, hs)
          const dst = cache[name];
          for (let r = 0; r < B * nh; r++) dst.set(src.subarray(r * hs, (r + 1) * hs), (r * S + slot) * hs);
        }
      }
      for (let b = 0; b < B; b++) bias[b * S + slot] = 0; // the token just fed (rows already finished are ignored)
      logits = step.logits as Float32Array;
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.runner.dispose();
  }
}

/** One-shot generation: loads the weights, generates, releases the sessions. */
export async function generate(
  model: { config: GPTConfig; params: Record<string, Float32Array> },
  prompts: readonly (readonly number[])[],
  o: GenerateOptions & { runtime?: RuntimeConfig } = {},
): Promise<Generation> {
  const gen = await Generator.create(model.config, model.params, o.runtime);
  try {
    return await gen.generate(prompts, o);
  } finally {
    await gen.dispose();
  }
}
