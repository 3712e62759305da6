// bench:rlhf --compare's targets, computed from its rows (no training here): DPO's win rate on
// each seed, RLOO's win within 5 points of PPO's at <= 70% of its memory (the memory probe's peak
// above the start, or the bench's without it), DPO from whole rankings at least as good as from
// pairs (a non-inferiority bound: per seed on its prompts; over seeds on the mean difference).
import { describe, expect, it } from 'vitest';
import { bestOfNKL, pairedDifference, seedChecks, seedsPass, type CompareRow, type SeedLine } from '../../bench/rlhf/compare-targets';

const row = (method: CompareRow['method'], win: number | undefined, peakRssMb?: number, startRssMb = 100, modelStateMb = 10): CompareRow => ({
  method,
  name: method,
  win,
  oracle: 0.5,
  correct: 0.4,
  styled: 0.3,
  rm: 0,
  peakRssMb,
  startRssMb,
  modelStateMb,
});

const rows = (o: { dpo?: number; pairs?: number; ppo?: number; rloo?: number; ppoRss?: number; rlooRss?: number } = {}): CompareRow[] => [
  row('sft', undefined),
  row('ppo', o.ppo ?? 0.75, o.ppoRss ?? 500, 100, 20),
  row('rloo', o.rloo ?? 0.72, o.rlooRss ?? 340, 100, 9),
  row('grpo', 0.7, 340),
  row('dpo-pairs', o.pairs ?? 0.66, 300),
  row('dpo-rankings', o.dpo ?? 0.68, 300),
];

/** A 1-point standard error: the bound is the difference less 1.645 points. */
const SE1 = 0.01;

describe("one seed's comparison targets", () => {
  it('computes the figures from the rows and meets every target when they hold', () => {
    const c = seedChecks(rows(), SE1);
    expect(c.dpoWin).toBe(0.68);
    expect(c.wholeMinusPairs).toBeCloseTo(0.02, 12);
    expect(c.wholeMinusPairsSe).toBe(0.01);
    expect(c.wholeMinusPairsLower).toBeCloseTo(0.02 - 0.01645, 12);
    expect(c.rlooWinGap).toBeCloseTo(-0.03, 12);
    expect(c.rlooMemRatioTotal).toBeCloseTo(0.68, 12);
    expect(c.rlooMemRatioAboveStart).toBeCloseTo(240 / 400, 12);
    expect(c.rlooStateRatio).toBeCloseTo(9 / 20, 12);
    // without the probe the bench's figure above the start is judged, and the basis says so
    expect(c.rlooMemRatio).toBeCloseTo(240 / 400, 12);
    expect(c.rlooMemBasis).toBe('bench above start');
    expect(c.rlooMemRatioProbe).toBeUndefined();
    expect(c.ok).toEqual({ dpoWin: true, rlooWin: true, rlooMem: true, wholeVsPairs: true });
  });

  it('misses each target on its own figure, with the bounds inclusive', () => {
    expect(seedChecks(rows({ dpo: 0.6475, pairs: 0.6 }), SE1).ok).toMatchObject({ dpoWin: false, wholeVsPairs: true });
    expect(seedChecks(rows({ dpo: 0.65, pairs: 0.65 }), SE1).ok).toMatchObject({ dpoWin: true, wholeVsPairs: true });
    expect(seedChecks(rows({ pairs: 0.7 }), SE1).ok).toMatchObject({ dpoWin: true, wholeVsPairs: false });
    // whole rankings behind pairs by less than the margin less z·se still counts as at least as good: −0.355 − 1.645 = −2 points
    expect(seedChecks(rows({ dpo: 0.68, pairs: 0.68355 }), SE1).ok.wholeVsPairs).toBe(true);
    expect(seedChecks(rows({ dpo: 0.68, pairs: 0.6836 }), SE1).ok.wholeVsPairs).toBe(false);
    // the same difference measured less precisely is not enough
    expect(seedChecks(rows({ dpo: 0.68, pairs: 0.68355 }), 0.011).ok.wholeVsPairs).toBe(false);
    expect(seedChecks(rows({ ppo: 0.8, rloo: 0.75 }), SE1).ok.rlooWin).toBe(true); // exactly 5 points behind
    expect(seedChecks(rows({ ppo: 0.8, rloo: 0.7475 }), SE1).ok.rlooWin).toBe(false);
    expect(seedChecks(rows({ ppo: 0.6, rloo: 0.9 }), SE1).ok.rlooWin).toBe(true); // ahead of PPO is fine
    // above the start: (380 − 100) / (500 − 100) = 0.7 exactly, although the totals' ratio is 0.76
    expect(seedChecks(rows({ ppoRss: 500, rlooRss: 380 }), SE1).ok.rlooMem).toBe(true);
    expect(seedChecks(rows({ ppoRss: 500, rlooRss: 381 }), SE1).ok.rlooMem).toBe(false);
  });

  it("judges RLOO's memory on the probe's peak above the start when the probe ran, whatever the bench-size figures", () => {
    const probe = { ppo: { peakRssMb: 900, startRssMb: 200 }, rloo: { peakRssMb: 550, startRssMb: 200 } };
    const c = seedChecks(rows({ ppoRss: 500, rlooRss: 480 }), SE1, probe);
    expect(c.rlooMemRatioProbe).toBeCloseTo(350 / 700, 12);
    expect(c.rlooMemRatioProbeTotal).toBeCloseTo(550 / 900, 12);
    expect(c.rlooMemRatio).toBeCloseTo(0.5, 12);
    expect(c.rlooMemBasis).toBe('probe above start');
    expect(c.rlooMemRatioAboveStart).toBeCloseTo(380 / 400, 12);
    expect(c.ok.rlooMem).toBe(true);
    expect(seedChecks(rows(), SE1, { ...probe, rloo: { peakRssMb: 691, startRssMb: 200 } }).ok.rlooMem).toBe(false);
  });

  it('refuses rows without a method it needs', () => {
    expect(() =>
      seedChecks(
        rows().filter((r) => r.method !== 'rloo'),
        SE1,
      ),
    ).toThrow('the comparison has no rloo row');
    expect(() =>
      seedChecks(
        rows().map((r) => (r.method === 'ppo' ? { ...r, peakRssMb: undefined } : r)),
        SE1,
      ),
    ).toThrow('the ppo row has no peakRssMb');
  });

  it("computes the paired difference's standard error over prompts, not over samples", () => {
    // prompts a, b, c with two samples each: cluster means 0.5, 0.5, −0.5; their sd is 1/√3, so the error is 1/3
    const d = pairedDifference([1, 0, 0.5, 0.5, -1, 0], ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(d.mean).toBeCloseTo(1 / 6, 12);
    expect(d.se).toBeCloseTo(1 / 3, 12);
    expect(d.n).toBe(3);
    expect(() => pairedDifference([1], ['a', 'b'])).toThrow('one prompt per difference');
  });

  it("gives best-of-N's analytic KL, log N − (N − 1)/N", () => {
    expect(bestOfNKL(1)).toBe(0);
    expect(bestOfNKL(16)).toBeCloseTo(Math.log(16) - 15 / 16, 12);
  });
});

describe('the targets over seeds', () => {
  const line = (seed: number, diff: number, ok: Partial<SeedLine['ok']> = {}, se = 0.01): SeedLine => ({
    seed,
    dpo_win_vs_sft: 0.7,
    dpo_pairs_win_vs_sft: 0.7 - diff,
    whole_minus_pairs: diff,
    whole_minus_pairs_se: se,
    ppo_win_vs_sft: 0.75,
    rloo_win_vs_sft: 0.73,
    rloo_mem_ratio: 0.6,
    heldout_overlap: 0,
    ok: { dpoWin: true, rlooWin: true, rlooMem: true, wholeVsPairs: diff >= 0, ...ok },
  });

  it('judges whole rankings vs pairs on the mean difference over seeds, its error the larger of the samples and the spread', () => {
    // spread: sd 0.02 over 3 seeds, 0.02/√3 = 0.0115 > √(3·0.01²)/3 = 0.0058 from the samples
    const r = seedsPass([line(1, 0.03), line(2, -0.01), line(3, 0.01)], 100, false);
    expect(r.wholeMinusPairs.mean).toBeCloseTo(0.01, 12);
    expect(r.wholeMinusPairs.sd).toBeCloseTo(0.02, 12);
    expect(r.wholeMinusPairs.se).toBeCloseTo(0.02 / Math.sqrt(3), 12);
    expect(r.wholeMinusPairs.lower).toBeCloseTo(0.01 - (1.645 * 0.02) / Math.sqrt(3), 12);
    expect(r.pass).toBe(true);
    // behind on the mean, by more than the margin allows at that precision
    expect(seedsPass([line(1, -0.01), line(2, -0.02)], 100, false).ok.wholeVsPairs).toBe(false);
    // no spread at all: the samples' error decides, 0.02·√3/3 = 0.0115 (bound −1.9 points) passes, 0.03 (−2.8) does not
    const even = (se: number) => seedsPass([line(1, 0, {}, se), line(2, 0, {}, se), line(3, 0, {}, se)], 100, false);
    expect(even(0.02).wholeMinusPairs.se).toBeCloseTo(0.02 / Math.sqrt(3), 12);
    expect(even(0.02).ok.wholeVsPairs).toBe(true);
    expect(even(0.03).ok.wholeVsPairs).toBe(false);
  });

  it("needs DPO's and RLOO's targets on every seed, no held-out prompt in training, and the time only for a full run", () => {
    expect(seedsPass([line(1, 0), line(2, 0, { dpoWin: false })], 100, false)).toMatchObject({ pass: false, ok: { dpoWin: false, rlooWin: true } });
    expect(seedsPass([line(1, 0), line(2, 0, { rlooMem: false })], 100, false).ok.rlooMem).toBe(false);
    expect(seedsPass([line(1, 0), { ...line(2, 0), heldout_overlap: 1 }], 100, false).ok.heldOut).toBe(false);
    expect(seedsPass([line(1, 0)], 2700, false)).toMatchObject({ pass: false, ok: { wall: false } });
    expect(seedsPass([line(1, 0)], 2700, true)).toMatchObject({ pass: true, ok: { wall: true } });
    expect(() => seedsPass([], 1, false)).toThrow('no seed results');
  });
});
