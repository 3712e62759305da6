import { describe, expect, it } from "vitest";
import { parseRanking } from "../../lib/ranking/notation";
import { kendallTauB, krippendorffAlpha, pairAgreement, projectAgreement, reliabilityMatrix, type AlphaMetric } from "../../lib/quality/agreement";
import { QualityError } from "../../lib/quality/errors";
import { mulberry32, randomTiers } from "../ranking/prng";

const T = (text: string, k: number) => parseRanking(text, k);

describe("pairAgreement", () => {
  it("agrees on a pair only when both order it the same way", () => {
    // AB: A>B vs B>A disagree; AC, AD, BC, BD agree; CD tie vs tie agrees → 5 of 6
    expect(pairAgreement(T("A > B > C = D", 4), T("B > A > C = D", 4))).toEqual({ sharedPairs: 6, agreements: 5 });
  });
  it("counts a tie as agreeing only with a tie", () => {
    // AB agree, AC agree, BC: tie vs B>C disagree → 2 of 3
    expect(pairAgreement(T("A > B = C", 3), T("A > B > C", 3))).toEqual({ sharedPairs: 3, agreements: 2 });
    expect(pairAgreement(T("A = B = C", 3), T("A = B = C", 3))).toEqual({ sharedPairs: 3, agreements: 3 });
  });
  it("uses only the positions both rankings hold", () => {
    // shared positions A, B, D: AB agree, AD agree, BD disagree (B>D vs D>B)
    expect(pairAgreement([[0], [1], [3]], [[0], [3], [2], [1]])).toEqual({ sharedPairs: 3, agreements: 2 });
  });
  it("is symmetric and perfect with itself for random tierings", () => {
    const rand = mulberry32(5);
    for (let i = 0; i < 200; i++) {
      const k = 2 + Math.floor(rand() * 8);
      const a = randomTiers(k, rand);
      const b = randomTiers(k, rand);
      expect(pairAgreement(a, b)).toEqual(pairAgreement(b, a));
      expect(pairAgreement(a, a)).toEqual({ sharedPairs: (k * (k - 1)) / 2, agreements: (k * (k - 1)) / 2 });
    }
  });
  it("refuses a ranking that names a position twice", () => {
    expect(() => pairAgreement([[0], [0]], [[0], [1]])).toThrow(QualityError);
  });
});

describe("projectAgreement", () => {
  it("sums agreements over every two labelers of every task", () => {
    // t1: L1 A>B>C, L2 A>C>B, L3 A=B=C
    //   L1-L2: AB, AC agree; BC disagree → 2/3.  L1-L3 and L2-L3: every pair tie vs order → 0/3 each.
    // t2: L1 A>B, L2 A>B → 1/1.   t3: L3 alone, t4: L4 alone → nothing to compare.
    // Total 3/10 over 4 labeler pairs. L1: 2/3 + 0/3 + 1/1 = 3/7 on 2 tasks; L2 the same; L3: 0/6 on 1 task.
    const r = projectAgreement([
      { taskId: "t1", labelerId: "L1", tiers: T("A > B > C", 3) },
      { taskId: "t1", labelerId: "L2", tiers: T("A > C > B", 3) },
      { taskId: "t1", labelerId: "L3", tiers: T("A = B = C", 3) },
      { taskId: "t2", labelerId: "L2", tiers: T("A > B", 2) },
      { taskId: "t2", labelerId: "L1", tiers: T("A > B", 2) },
      { taskId: "t3", labelerId: "L3", tiers: T("B > A", 2) },
      { taskId: "t4", labelerId: "L4", tiers: T("B > A", 2) },
    ]);
    expect(r).toMatchObject({ agreements: 3, sharedPairs: 10, rate: 0.3, labelerPairs: 4 });
    expect(r.perLabeler).toEqual([
      { labelerId: "L1", agreements: 3, sharedPairs: 7, rate: 3 / 7, overlappingTasks: 2 },
      { labelerId: "L2", agreements: 3, sharedPairs: 7, rate: 3 / 7, overlappingTasks: 2 },
      { labelerId: "L3", agreements: 0, sharedPairs: 6, rate: 0, overlappingTasks: 1 },
      { labelerId: "L4", agreements: 0, sharedPairs: 0, rate: null, overlappingTasks: 0 },
    ]);
  });
  it("has no rate without overlap and never compares a labeler with themself", () => {
    const r = projectAgreement([
      { taskId: "t1", labelerId: "L1", tiers: T("A > B", 2) },
      { taskId: "t1", labelerId: "L1", tiers: T("B > A", 2) },
    ]);
    expect(r).toMatchObject({ rate: null, sharedPairs: 0, labelerPairs: 0 });
    expect(projectAgreement([]).rate).toBeNull();
  });
});

/** Second implementation: tau-b as the cosine of the two pairwise sign vectors. */
function tauBBySigns(a: number[][], b: number[][]): number | null {
  const ra = new Map(a.flatMap((t, i) => t.map((p) => [p, i] as const)));
  const rb = new Map(b.flatMap((t, i) => t.map((p) => [p, i] as const)));
  const pos = [...ra.keys()];
  let num = 0;
  let sa = 0;
  let sb = 0;
  for (const p of pos)
    for (const q of pos)
      if (p < q) {
        const x = Math.sign(ra.get(p)! - ra.get(q)!);
        const y = Math.sign(rb.get(p)! - rb.get(q)!);
        num += x * y;
        sa += x * x;
        sb += y * y;
      }
  return sa * sb === 0 ? null : num / Math.sqrt(sa * sb);
}

describe("kendallTauB", () => {
  it("matches hand computations", () => {
    // one swapped pair of 6, no ties: (5 − 1) / 6
    expect(kendallTauB(T("A > B > C > D", 4), T("B > A > C > D", 4))).toBeCloseTo(2 / 3, 12);
    // x = (1,2,2), y = (1,2,3): n0 = 3, n1 = 1, n2 = 0, concordant AB, AC → 2 / √(2·3) = 0.8164965809
    expect(kendallTauB(T("A > B = C", 3), T("A > B > C", 3))).toBeCloseTo(0.8164965809, 9);
    expect(kendallTauB(T("A > B > C", 3), T("C > B > A", 3))).toBe(-1);
    expect(kendallTauB(T("A = B = C", 3), T("A > B > C", 3))).toBeNull();
  });
  it("agrees with a second implementation on random tierings", () => {
    const rand = mulberry32(99);
    for (let i = 0; i < 300; i++) {
      const k = 2 + Math.floor(rand() * 8);
      const a = randomTiers(k, rand);
      const b = randomTiers(k, rand);
      const expected = tauBBySigns(a, b);
      const got = kendallTauB(a, b);
      if (expected === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(expected, 12);
    }
  });
});

/**
 * Second implementation of alpha, straight from the pairwise definition (no coincidence matrix):
 * D_o = 1/n Σ_u 1/(m_u − 1) Σ_{i≠j in u} δ²(v_i, v_j),  D_e = 1/(n(n − 1)) Σ_{i≠j over all pairable values} δ²,
 * alpha = 1 − D_o / D_e, with the ordinal δ computed from the value frequencies n_g.
 */
function alphaByPairs(matrix: (number | null)[][], metric: AlphaMetric): number {
  const units = matrix.map((r) => r.filter((v): v is number => v !== null)).filter((r) => r.length > 1);
  const all = units.flat();
  const n = all.length;
  const freq = (g: number) => all.filter((v) => v === g).length;
  const d2 = (c: number, k: number) => {
    if (metric === "nominal") return c === k ? 0 : 1;
    if (metric === "interval") return (c - k) ** 2;
    if (metric === "ratio") return ((c - k) / (c + k)) ** 2;
    const between = [...new Set(all)].filter((g) => g >= Math.min(c, k) && g <= Math.max(c, k));
    return (between.reduce((s, g) => s + freq(g), 0) - (freq(c) + freq(k)) / 2) ** 2;
  };
  let dO = 0;
  for (const u of units) {
    let s = 0;
    u.forEach((a, i) => u.forEach((b, j) => i !== j && (s += d2(a, b))));
    dO += s / (u.length - 1);
  }
  let dE = 0;
  all.forEach((a, i) => all.forEach((b, j) => i !== j && (dE += d2(a, b))));
  return 1 - dO / n / (dE / (n * (n - 1)));
}

describe("krippendorffAlpha", () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers × 12
  // units with missing data. Published: nominal .743, ordinal .815, interval .849, ratio .797.
  const observers = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ];
  const unitsByCoders = observers[0].map((_, u) => observers.map((o) => o[u]));

  it.each([
    ["nominal", 0.743],
    ["ordinal", 0.815],
    ["interval", 0.849],
    ["ratio", 0.797],
  ] as const)("reproduces Krippendorff's %s example (%s) and the pairwise definition", (metric, published) => {
    const alpha = krippendorffAlpha(unitsByCoders, metric)!;
    expect(alpha).toBeCloseTo(published, 3);
    expect(alpha).toBeCloseTo(alphaByPairs(unitsByCoders, metric), 12);
  });

  it("matches a hand computation and ignores units with one value", () => {
    // units (1,1), (1,2), (2,2): o_11 = 2, o_12 = o_21 = 1, o_22 = 2; n_1 = n_2 = 3, n = 6.
    // nominal alpha = 1 − (n − 1)(o_12 + o_21) / (n_1 n_2 + n_2 n_1) = 1 − 5·2 / 18 = 4/9.
    const m = [
      [1, 1],
      [1, 2],
      [2, 2],
      [1, null],
      [null, null],
    ];
    expect(krippendorffAlpha(m, "nominal")).toBeCloseTo(4 / 9, 12);
    // with two values every metric's δ² is a constant, so alpha is the same
    expect(krippendorffAlpha(m, "ordinal")).toBeCloseTo(4 / 9, 12);
    expect(krippendorffAlpha(m, "interval")).toBeCloseTo(4 / 9, 12);
  });

  it("is 1 for perfect agreement, below 0 for systematic disagreement, null without variation or data", () => {
    expect(
      krippendorffAlpha([
        [1, 1],
        [2, 2],
        [3, 3],
      ]),
    ).toBe(1);
    expect(
      krippendorffAlpha(
        [
          [1, 2],
          [2, 1],
        ],
        "nominal",
      )!,
    ).toBeLessThan(0);
    expect(
      krippendorffAlpha([
        [2, 2],
        [2, 2],
      ]),
    ).toBeNull();
    expect(
      krippendorffAlpha([
        [1, null],
        [null, 2],
      ]),
    ).toBeNull();
  });

  it("agrees with the pairwise definition on random matrices with missing values", () => {
    const rand = mulberry32(3);
    for (let i = 0; i < 40; i++) {
      const m = Array.from({ length: 3 + Math.floor(rand() * 10) }, () =>
        Array.from({ length: 2 + Math.floor(rand() * 3) }, () => (rand() < 0.2 ? null : 1 + Math.floor(rand() * 5))),
      );
      for (const metric of ["nominal", "ordinal", "interval"] as const) {
        const got = krippendorffAlpha(m, metric);
        if (got !== null) expect(got).toBeCloseTo(alphaByPairs(m, metric), 9);
      }
    }
  });

  it("refuses a value that is not a finite number", () => {
    expect(() => krippendorffAlpha([[1, Number.NaN]])).toThrow("The reliability matrix holds NaN, which is not a finite number.");
  });
});

describe("reliabilityMatrix", () => {
  it("puts each answer's average rank per labeler, null where a labeler did not rank the task", () => {
    // L1 on t1: A > B = C → ranks 1, 2.5, 2.5.  L2 on t1: A > B > C → 1, 2, 3.  L2 on t2: B > A → A 2, B 1.
    const m = reliabilityMatrix([
      { taskId: "t1", labelerId: "L2", tiers: T("A > B > C", 3) },
      { taskId: "t1", labelerId: "L1", tiers: T("A > B = C", 3) },
      { taskId: "t2", labelerId: "L2", tiers: T("B > A", 2) },
    ]);
    expect(m.coders).toEqual(["L1", "L2"]);
    expect(m.units).toEqual(["t1#0", "t1#1", "t1#2", "t2#1", "t2#0"]);
    expect(m.values).toEqual([
      [1, 1],
      [2.5, 2],
      [2.5, 3],
      [null, 1],
      [null, 2],
    ]);
  });
});
