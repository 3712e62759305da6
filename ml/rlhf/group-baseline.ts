// Group baselines for the policy-gradient step, without a value model: the rollout samples k
// responses per prompt (k consecutive rows) and each response's advantage comes from its group.
//   RLOO (Ahmadian et al., 2024): A_i = r_i − mean_{j≠i} r_j   (the leave-one-out mean of the others)
//   GRPO (Shao et al., 2024):     A_i = (r_i − mean_g r) / (std_g r + ε)
// r is the sequence reward: the score minus β · the response's KL to the reference (the same KL
// options as PPO). Every response token gets its sequence's advantage.

export type GroupAdvantage = 'rloo' | 'grpo';

/** Advantages of `rewards` in consecutive groups of `k` (rewards.length a multiple of k, k >= 2). */
export function groupAdvantages(rewards: readonly number[], k: number, mode: GroupAdvantage, eps = 1e-4): number[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`groupAdvantages: the group size must be an integer >= 2, got ${k}`);
  if (rewards.length % k !== 0) throw new Error(`groupAdvantages: ${rewards.length} rewards do not split into groups of ${k}`);
  const out: number[] = [];
  for (let g = 0; g < rewards.length; g += k) {
    const r = rewards.slice(g, g + k);
    const sum = r.reduce((a, b) => a + b, 0);
    if (mode === 'rloo') {
      for (const x of r) out.push(x - (sum - x) / (k - 1));
    } else {
      const mean = sum / k;
      const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1)); // unbiased, as GRPO implementations use
      for (const x of r) out.push((x - mean) / (std + eps));
    }
  }
  return out;
}

/** Each row's sequence advantage on its response tokens (mask (B, T)); 0 elsewhere. */
export function tokenAdvantages(seqAdv: readonly number[], mask: ArrayLike<number>, T: number): Float32Array {
  const out = new Float32Array(seqAdv.length * T);
  seqAdv.forEach((a, b) => {
    for (let t = 0; t < T; t++) out[b * T + t] = mask[b * T + t] ? a : 0;
  });
  return out;
}
