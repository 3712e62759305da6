// Host-side PPO arithmetic on (B, T) row-major arrays whose `mask` marks response positions
// (position t holds the log-prob and value of response token t + 1 of the packed sequence):
// per-token rewards with the KL penalty, GAE, and advantage whitening. Pure functions, float64.

/**
 * The score each response's last token receives: the reward (model) score, plus noEosPenalty when
 * the response ran out of tokens before eos, then clipped to ±rewardClip when set.
 */
export function finalScores(scores: readonly number[], finished: readonly boolean[], noEosPenalty: number, rewardClip?: number): number[] {
  return scores.map((x, b) => {
    const r = x + (finished[b] ? 0 : noEosPenalty);
    return rewardClip ? Math.min(Math.max(r, -rewardClip), rewardClip) : r;
  });
}

export interface TokenRewards {
  /** (B, T): −β·(log π − log π_ref) on every response token, plus the final score on the last one. */
  rewards: Float64Array;
  /** Per response: Σ_t (log π(y_t) − log π_ref(y_t)) over its tokens, in nats. */
  kl: number[];
}

/**
 * r_t = −β·(logp_t − refLogp_t) on every response token and r_last += scores[b] (InstructGPT;
 * the KL estimate is the sampled-token log-ratio, as TRL and OpenRLHF use).
 */
export function tokenRewards(
  logp: ArrayLike<number>,
  refLogp: ArrayLike<number>,
  mask: ArrayLike<number>,
  scores: readonly number[],
  beta: number,
  T: number,
): TokenRewards {
  const B = scores.length;
  if (logp.length !== B * T || refLogp.length !== B * T || mask.length !== B * T) throw new Error(`tokenRewards: arrays must hold ${B}·${T} values`);
  const rewards = new Float64Array(B * T);
  const kl: number[] = [];
  for (let b = 0; b < B; b++) {
    let sum = 0;
    let last = -1;
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (!mask[i]) continue;
      const k = logp[i] - refLogp[i];
      sum += k;
      rewards[i] = -beta * k;
      last = i;
    }
    if (last < 0) throw new Error(`tokenRewards: row ${b} has no response token`);
    rewards[last] += scores[b];
    kl.push(sum);
  }
  return { rewards, kl };
}

export interface Advantages {
  /** (B, T), 0 off the mask. */
  advantages: Float64Array;
  /** (B, T): advantages + values, the value targets; 0 off the mask. */
  returns: Float64Array;
}

/**
 * Generalized advantage estimation per row, over masked positions only (so padding on either
 * side is skipped): δ_t = r_t + γ·V_{t+1} − V_t with V = 0 after the last token,
 * A_t = δ_t + γλ·A_{t+1}, returns R_t = A_t + V_t.
 */
export function gae(rewards: ArrayLike<number>, values: ArrayLike<number>, mask: ArrayLike<number>, T: number, gamma: number, lam: number): Advantages {
  const n = mask.length;
  if (rewards.length !== n || values.length !== n || n % T !== 0) throw new Error(`gae: rewards, values and mask must all hold B·${T} values`);
  const advantages = new Float64Array(n);
  const returns = new Float64Array(n);
  for (let b = 0; b < n / T; b++) {
    let nextValue = 0;
    let nextAdv = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = b * T + t;
      if (!mask[i]) continue;
      const delta = rewards[i] + gamma * nextValue - values[i];
      nextAdv = delta + gamma * lam * nextAdv;
      nextValue = values[i];
      advantages[i] = nextAdv;
      returns[i] = nextAdv + values[i];
    }
  }
  return { advantages, returns };
}

/** Mean and unbiased variance over masked positions. */
export function maskedMoments(x: ArrayLike<number>, mask: ArrayLike<number>): { mean: number; variance: number; count: number } {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    if (!mask[i]) continue;
    count++;
    sum += x[i];
  }
  const mean = count ? sum / count : 0;
  let ss = 0;
  for (let i = 0; i < x.length; i++) if (mask[i]) ss += (x[i] - mean) ** 2;
  return { mean, variance: count > 1 ? ss / (count - 1) : 0, count };
}

/** (x − mean)/√(var + 1e-8) over masked positions, 0 elsewhere (TRL's masked_whiten, unbiased variance). */
export function whiten(x: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  const { mean, variance } = maskedMoments(x, mask);
  const inv = 1 / Math.sqrt(variance + 1e-8);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) if (mask[i]) out[i] = (x[i] - mean) * inv;
  return out;
}
