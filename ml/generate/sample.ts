// Sampling one token from a row of logits: temperature, top-k, top-p, seeded; returns the
// token's log-probability under the sampling distribution and under the unscaled model.

export interface SamplingOptions {
  /** Softmax temperature (default 1); 0 means greedy. */
  temperature?: number;
  /** Keep only the k most likely tokens (default 0: all). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability adds up to p (default 1: all). */
  topP?: number;
}

export interface Sampled {
  token: number;
  /** log p(token) under the distribution it was drawn from (0 for greedy). */
  logprob: number;
  /** log p(token) under the model: log_softmax of the unscaled logits. */
  modelLogprob: number;
}

function logSumExp(x: ArrayLike<number>, scale = 1): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i] * scale);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i] * scale - m);
  return m + Math.log(s);
}

export function sampleToken(logits: Float32Array, o: SamplingOptions, rand: () => number): Sampled {
  const V = logits.length;
  const temperature = o.temperature ?? 1;
  const lse = logSumExp(logits);
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
    return { token: best, logprob: 0, modelLogprob: logits[best] - lse };
  }
  const inv = 1 / temperature;
  const topK = o.topK && o.topK > 0 && o.topK < V ? o.topK : 0;
  const topP = o.topP ?? 1;
  let candidates: number[];
  if (topK || topP < 1) {
    candidates = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b] - logits[a]);
    if (topK) candidates.length = topK;
    if (topP < 1) {
      const z = logSumExp(
        candidates.map((i) => logits[i]),
        inv,
      );
      let cum = 0;
      let keep = 0;
      while (keep < candidates.length && cum < topP) cum += Math.exp(logits[candidates[keep++]] * inv - z);
      candidates.length = Math.max(1, keep);
    }
  } else candidates = Array.from({ length: V }, (_, i) => i);
  const z = logSumExp(
    candidates.map((i) => logits[i]),
    inv,
  );
  let u = rand();
  let token = candidates[candidates.length - 1];
  for (const i of candidates) {
    u -= Math.exp(logits[i] * inv - z);
    if (u <= 0) {
      token = i;
      break;
    }
  }
  return { token, logprob: logits[token] * inv - z, modelLogprob: logits[token] - lse };
}
