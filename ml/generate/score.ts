// Per-token log-probabilities of a token sequence under a model (perplexity evaluation).

import type { GPTConfig } from '../model/config';
import { logprobsModel } from '../model/forward';
import type { RuntimeConfig } from '../runtime/config';
import { Session } from '../runtime/session';

/**
 * log p(ids[i] | ids[<i]) for i = 1..n-1 (the first token has no context). Sequences longer
 * than the context are scored in consecutive windows of nCtx tokens.
 */
export async function scoreTokens(
  model: { config: GPTConfig; params: Record<string, Float32Array> },
  ids: readonly number[],
  runtime: RuntimeConfig = {},
): Promise<number[]> {
  const c = model.config;
  const out: number[] = [];
  const sessions = new Map<number, Session>();
  try {
    for (let start = 0; start + 1 < ids.length; start += c.nCtx) {
      const window = ids.slice(start, Math.min(ids.length, start + c.nCtx + 1));
      const T = window.length - 1;
      let s = sessions.get(T);
      if (!s) sessions.set(T, (s = await Session.create(logprobsModel(c, 1, T), runtime)));
      const r = await s.run({
        ...model.params,
        input_ids: BigInt64Array.from(window.slice(0, T), BigInt),
        position_ids: BigInt64Array.from({ length: T }, (_, i) => BigInt(i)),
        targets: BigInt64Array.from(window.slice(1), BigInt),
      });
      out.push(...Array.from(r.logprobs as Float32Array));
    }
  } finally {
    for (const s of sessions.values()) await s.dispose();
  }
  return out;
}
