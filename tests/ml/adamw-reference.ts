// A plain TypeScript AdamW (PyTorch semantics, with global-norm clipping) to check the graph against.

export interface RefAdamW {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  maxGradNorm?: number;
}

export function refAdamWStep(
  params: Record<string, Float64Array>,
  grads: Record<string, Float64Array>,
  m: Record<string, Float64Array>,
  v: Record<string, Float64Array>,
  decay: Record<string, boolean>,
  step: number, // 1-based
  o: RefAdamW,
): void {
  let sq = 0;
  for (const g of Object.values(grads)) for (const x of g) sq += x * x;
  const norm = Math.sqrt(sq);
  const clip = o.maxGradNorm ? Math.min(1, o.maxGradNorm / (norm + 1e-6)) : 1;
  for (const name of Object.keys(params)) {
    const p = params[name];
    for (let i = 0; i < p.length; i++) {
      const g = grads[name][i] * clip;
      if (decay[name]) p[i] -= o.lr * o.weightDecay * p[i];
      m[name][i] = o.beta1 * m[name][i] + (1 - o.beta1) * g;
      v[name][i] = o.beta2 * v[name][i] + (1 - o.beta2) * g * g;
      const mHat = m[name][i] / (1 - o.beta1 ** step);
      const vHat = v[name][i] / (1 - o.beta2 ** step);
      p[i] -= (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
  }
}
