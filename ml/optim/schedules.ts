// Learning-rate schedules as small pure functions of the step (0-based).

export interface CosineSchedule {
  maxLr: number;
  /** Floor the cosine decays to (nanoGPT uses maxLr / 10). */
  minLr: number;
  /** Steps of linear warmup from ~0 to maxLr. */
  warmupSteps: number;
  /** Step at which the cosine reaches minLr; it stays there afterwards. */
  decaySteps: number;
}

/** Linear warmup: maxLr·(step + 1)/(warmupSteps + 1) during warmup, then maxLr. */
export function linearWarmup(step: number, maxLr: number, warmupSteps: number): number {
  return step < warmupSteps ? (maxLr * (step + 1)) / (warmupSteps + 1) : maxLr;
}

/** Linear warmup, then cosine decay from maxLr to minLr at decaySteps, then minLr. */
export function getLr(step: number, s: CosineSchedule): number {
  if (step < s.warmupSteps) return linearWarmup(step, s.maxLr, s.warmupSteps);
  if (step >= s.decaySteps) return s.minLr;
  const progress = (step - s.warmupSteps) / Math.max(1, s.decaySteps - s.warmupSteps); // 0 → 1
  const coeff = 0.5 * (1 + Math.cos(Math.PI * progress)); // 1 → 0
  return s.minLr + coeff * (s.maxLr - s.minLr);
}
