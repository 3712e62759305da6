// Sampling a policy (a decoder folder) on prompts, and the log-probabilities of given responses
// under a policy: what the labelling stage, PPO's evaluation and the KL figure need.

import { ByteTokenizer, encodeChat, Generator, loadCheckpoint, logprobsModel, Session, type Checkpoint } from '../../ml/index';

export const tok = new ByteTokenizer();
const THREADS = { intraOpThreads: 2 };

/** The chat-format prompt ids of a single user turn. */
export const promptIds = (prompt: string): number[] => encodeChat(tok, [{ role: 'user', content: prompt }], { addGenerationPrompt: true }).ids;

export interface Samples {
  prompts: string[];
  /** Response token ids, including the closing eos when the row finished. */
  tokens: number[][];
  /** The response text (special tokens dropped, no eos). */
  texts: string[];
  /** log π(token) under the sampled model, per token. */
  logprobs: number[][];
  finished: boolean[];
}

export interface SampleOptions {
  seed: number;
  temperature: number;
  maxNewTokens: number;
  /** Prompts per generation call (the last chunk is padded to it so one graph shape serves all). */
  batch?: number;
}

/** One sample per prompt (repeat a prompt to get several) from the policy in `dir`. */
export async function samplePolicy(dir: string, prompts: readonly string[], o: SampleOptions): Promise<Samples> {
  const ck = loadCheckpoint(dir);
  const gen = await Generator.create(ck.config, ck.params, THREADS);
  const B = o.batch ?? 64;
  const out: Samples = { prompts: [...prompts], tokens: [], texts: [], logprobs: [], finished: [] };
  try {
    for (let s = 0; s < prompts.length; s += B) {
      const chunk = prompts.slice(s, s + B);
      const ids = chunk.map(promptIds);
      while (ids.length < B && prompts.length > B) ids.push(ids[0]);
      const g = await gen.generate(ids, { maxNewTokens: o.maxNewTokens, temperature: o.temperature, eos: tok.eos, seed: o.seed * 100003 + s });
      for (let i = 0; i < chunk.length; i++) {
        out.tokens.push(g.tokens[i]);
        out.texts.push(tok.decode(g.tokens[i]));
        out.logprobs.push(g.modelLogprobs[i]);
        out.finished.push(g.finished[i]);
      }
    }
  } finally {
    await gen.dispose();
  }
  return out;
}

/** Per-sequence sum of log π(response tokens | prompt) under the model in `model`, batched, right-padded. */
export async function responseLogprob(model: string | Checkpoint, prompts: readonly number[][], responses: readonly number[][], batch = 64): Promise<number[]> {
  const ck = typeof model === 'string' ? loadCheckpoint(model) : model;
  const T = ck.config.nCtx;
  const session = await Session.create(logprobsModel(ck.config, batch, T), THREADS);
  const out: number[] = [];
  try {
    for (let s = 0; s < prompts.length; s += batch) {
      const input = new BigInt64Array(batch * T).fill(BigInt(tok.pad));
      const targets = new BigInt64Array(batch * T).fill(BigInt(tok.pad));
      const positions = BigInt64Array.from({ length: batch * T }, (_, i) => BigInt(i % T));
      const spans: Array<[number, number]> = [];
      for (let b = 0; b < batch && s + b < prompts.length; b++) {
        const seq = [...prompts[s + b], ...responses[s + b]].slice(0, T + 1);
        for (let t = 0; t + 1 < seq.length; t++) {
          input[b * T + t] = BigInt(seq[t]);
          targets[b * T + t] = BigInt(seq[t + 1]);
        }
        spans.push([prompts[s + b].length - 1, seq.length - 1]); // positions predicting the response tokens
      }
      const r = await session.run({ ...ck.params, input_ids: input, position_ids: positions, targets });
      const lp = r.logprobs as Float32Array;
      spans.forEach(([from, to], b) => {
        let sum = 0;
        for (let t = from; t < to; t++) sum += lp[b * T + t];
        out.push(sum);
      });
    }
  } finally {
    await session.dispose();
  }
  return out;
}
