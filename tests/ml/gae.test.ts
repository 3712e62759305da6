import { describe, expect, it } from 'vitest';
import { finalScores, gae, maskedMoments, tokenRewards, whiten } from '../../ml/index';

const close = (a: ArrayLike<number>, b: number[]) => expect(Array.from(a).map((x) => Number(x.toFixed(10)))).toEqual(b.map((x) => Number(x.toFixed(10))));

describe('GAE (γ = 1, λ = 0.95)', () => {
  it('matches a hand-computed 3-token response', () => {
    // δ3 = 1 − 0.5 = 0.5;  δ2 = 0.05 + 0.5 − 0.4 = 0.15;  δ1 = −0.1 + 0.4 − 0.2 = 0.1
    // A3 = 0.5;  A2 = 0.15 + 0.95·0.5 = 0.625;  A1 = 0.1 + 0.95·0.625 = 0.69375
    const { advantages, returns } = gae([-0.1, 0.05, 1], [0.2, 0.4, 0.5], [1, 1, 1], 3, 1, 0.95);
    close(advantages, [0.69375, 0.625, 0.5]);
    close(returns, [0.89375, 1.025, 1.0]); // A + V
  });

  it('skips prompt and padding positions, row by row', () => {
    const T = 6;
    // row 0: two prompt positions, the 3-token response above, one pad; row 1: a 2-token response after 3 prompt positions
    const mask = [0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0];
    const rewards = [7, 7, -0.1, 0.05, 1, 7, 7, 7, 7, 0.3, -0.2, 7];
    const values = [9, 9, 0.2, 0.4, 0.5, 9, 9, 9, 9, 0.1, 0, 9];
    const { advantages, returns } = gae(rewards, values, mask, T, 1, 0.95);
    // row 1: δ2 = −0.2 − 0 = −0.2, δ1 = 0.3 + 0 − 0.1 = 0.2;  A2 = −0.2, A1 = 0.2 + 0.95·(−0.2) = 0.01
    close(advantages, [0, 0, 0.69375, 0.625, 0.5, 0, 0, 0, 0, 0.01, -0.2, 0]);
    close(returns, [0, 0, 0.89375, 1.025, 1.0, 0, 0, 0, 0, 0.11, -0.2, 0]);
  });

  it('with λ = 0 is the one-step TD error, with γ = λ = 1 the return minus the value', () => {
    close(gae([-0.1, 0.05, 1], [0.2, 0.4, 0.5], [1, 1, 1], 3, 1, 0).advantages, [0.1, 0.15, 0.5]);
    close(gae([-0.1, 0.05, 1], [0.2, 0.4, 0.5], [1, 1, 1], 3, 1, 1).advantages, [0.95 - 0.2, 1.05 - 0.4, 0.5]);
  });
});

describe('per-token rewards', () => {
  it('puts −β·(log π − log π_ref) on every response token and the score on the last', () => {
    const T = 4;
    const logp = [0, -1, -2, 0, 0, -0.5, 0, 0];
    const ref = [5, -1.5, -1.5, 5, 5, -1, 0, 0];
    const mask = [0, 1, 1, 0, 0, 1, 0, 0];
    const r = tokenRewards(logp, ref, mask, [2, -1], 0.1, T);
    close(r.rewards, [0, -0.05, 0.05 + 2, 0, 0, -0.05 - 1, 0, 0]);
    close(r.kl, [0.5 - 0.5, 0.5]);
  });

  it('adds the no-eos penalty to responses that ran out of tokens, then clips', () => {
    expect(finalScores([0.5, 0.5, 3, -3], [true, false, true, false], -1)).toEqual([0.5, -0.5, 3, -4]);
    expect(finalScores([0.5, 0.5, 3, -3], [true, false, true, false], -1, 2)).toEqual([0.5, -0.5, 2, -2]);
  });

  it('refuses a row without response tokens', () => {
    expect(() => tokenRewards([0, 0], [0, 0], [0, 0], [1], 0.1, 2)).toThrow(/row 0 has no response token/);
  });
});

describe('advantage whitening', () => {
  it('gives masked positions mean 0 and unbiased variance 1, and leaves the rest 0', () => {
    const x = [5, 1, 2, 3, 4, -7, 10];
    const mask = [0, 1, 1, 1, 1, 0, 1];
    const w = whiten(x, mask);
    const m = maskedMoments(w, mask);
    expect(m.count).toBe(5);
    expect(Math.abs(m.mean)).toBeLessThan(1e-12);
    expect(m.variance).toBeCloseTo(1, 6);
    expect([w[0], w[5]]).toEqual([0, 0]);
    // order is kept and a shift of the inputs changes nothing
    expect(w[1] < w[2] && w[2] < w[3] && w[3] < w[4] && w[4] < w[6]).toBe(true);
    close(
      whiten(
        x.map((v) => v + 100),
        mask,
      ),
      Array.from(w),
    );
  });
});
