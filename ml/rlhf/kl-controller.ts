// The KL coefficient β of the PPO reward: fixed (InstructGPT), or adapted toward a target KL with
// Ziegler et al.'s (2019) proportional controller, in TRL's form:
//   e = clip(KL / target − 1, −0.2, 0.2),  β ← β·(1 + e·n / horizon)
// where n is the number of responses the KL was measured on.

export interface KLController {
  /** The current β. */
  readonly value: number;
  /** Feeds the mean per-response KL of the last rollout batch of `n` responses. */
  update(kl: number, n: number): void;
}

export class FixedKLController implements KLController {
  constructor(readonly value: number) {}
  update(): void {}
}

export class AdaptiveKLController implements KLController {
  constructor(
    public value: number,
    readonly target: number,
    readonly horizon: number,
  ) {
    if (!(target > 0) || !(horizon > 0)) throw new Error('AdaptiveKLController: target and horizon must be > 0');
  }

  update(kl: number, n: number): void {
    const error = Math.min(Math.max(kl / this.target - 1, -0.2), 0.2);
    this.value *= 1 + (error * n) / this.horizon;
  }
}

/** Fixed β unless a target is given. */
export function klController(beta: number, target: number | undefined, horizon: number): KLController {
  return target === undefined ? new FixedKLController(beta) : new AdaptiveKLController(beta, target, horizon);
}
