import { describe, expect, it } from 'vitest';
import { AdaptiveKLController, FixedKLController, klController } from '../../ml/index';

describe('KL controller', () => {
  it('fixed: β never moves', () => {
    const c = klController(0.02, undefined, 10000);
    expect(c).toBeInstanceOf(FixedKLController);
    c.update(100, 64);
    expect(c.value).toBe(0.02);
  });

  it('adaptive: β·(1 + clip(KL/target − 1, ±0.2)·n/horizon) (Ziegler et al., TRL form)', () => {
    const c = new AdaptiveKLController(0.1, 6, 100);
    c.update(6.6, 10); // e = 0.1
    expect(c.value).toBeCloseTo(0.1 * (1 + 0.1 * 0.1), 12);
    const before = c.value;
    c.update(60, 10); // e clipped to 0.2
    expect(c.value).toBeCloseTo(before * 1.02, 12);
    const b2 = c.value;
    c.update(0, 10); // e clipped to −0.2
    expect(c.value).toBeCloseTo(b2 * 0.98, 12);
    const b3 = c.value;
    c.update(6, 10); // on target
    expect(c.value).toBe(b3);
  });

  it('adaptive: drives a KL that falls with β toward the target', () => {
    const c = klController(0.01, 2, 50) as AdaptiveKLController;
    const klOf = (beta: number) => 0.08 / beta; // a policy that drifts less when penalised more
    for (let i = 0; i < 400; i++) c.update(klOf(c.value), 10);
    expect(klOf(c.value)).toBeCloseTo(2, 1);
    expect(c.value).toBeCloseTo(0.04, 2);
  });
});
