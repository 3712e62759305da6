import { describe, expect, it } from "vitest";
import { consensusRanking } from "../../lib/quality/consensus";
import { QualityError } from "../../lib/quality/errors";
import { formatRanking, parseRanking } from "../../lib/ranking/notation";
import { mulberry32, randomTiers } from "../ranking/prng";

const T = (text: string, k = 3) => parseRanking(text, k);

describe("consensusRanking (Borda with ties)", () => {
  it("ties answers with equal Borda totals", () => {
    // K − average rank: L1 A>B>C → 2,1,0; L2 B>A>C → 1,2,0; L3 A=B>C → 1.5,1.5,0. Totals A 4.5, B 4.5, C 0.
    const c = consensusRanking([
      { labelerId: "L1", tiers: T("A > B > C") },
      { labelerId: "L2", tiers: T("B > A > C") },
      { labelerId: "L3", tiers: T("A = B > C") },
    ]);
    expect(formatRanking(c.tiers)).toBe("A = B > C");
    expect(c.scores).toEqual([4.5, 4.5, 0]);
    // L1 vs A = B > C: AB order vs tie disagree, AC and BC agree → 2/3; tau-b = 2/√(3·2)
    expect(c.perLabeler[0]).toMatchObject({ labelerId: "L1", agreements: 2, sharedPairs: 3 });
    expect(c.perLabeler[0].rate).toBeCloseTo(2 / 3, 12);
    expect(c.perLabeler[0].tau).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(c.perLabeler[2]).toMatchObject({ labelerId: "L3", agreements: 3, rate: 1, tau: 1 });
  });
  it("orders by score: the majority position wins", () => {
    // A: 2 + 2 = 4, B: 1 + 0 = 1, C: 0 + 1 = 1 → A > B = C
    const c = consensusRanking([
      { labelerId: "L1", tiers: T("A > B > C") },
      { labelerId: "L2", tiers: T("A > C > B") },
    ]);
    expect(formatRanking(c.tiers)).toBe("A > B = C");
    // three votes against one: A = 3·0 + 3 = 3, B = 3·1 + 2 = 5, C = 3·2 + 1 = 7, D = 3·3 + 0 = 9
    const d = consensusRanking([
      ...["x", "y", "z"].map((labelerId) => ({ labelerId, tiers: T("D > C > B > A", 4) })),
      { labelerId: "w", tiers: T("A > B > C > D", 4) },
    ]);
    expect(formatRanking(d.tiers)).toBe("D > C > B > A");
    expect(d.scores).toEqual([3, 5, 7, 9]);
  });
  it("returns a single ranking unchanged, and scores always sum to N·C(K,2)", () => {
    const rand = mulberry32(42);
    for (let i = 0; i < 100; i++) {
      const k = 2 + Math.floor(rand() * 8);
      const one = randomTiers(k, rand);
      expect(formatRanking(consensusRanking([{ labelerId: "a", tiers: one }]).tiers)).toBe(formatRanking(one));
      const many = Array.from({ length: 5 }, (_, j) => ({ labelerId: `l${j}`, tiers: randomTiers(k, rand) }));
      const sum = consensusRanking(many).scores.reduce((s, x) => s + x, 0);
      expect(sum).toBe((5 * k * (k - 1)) / 2);
    }
  });
  it("refuses no rankings and rankings of different answers", () => {
    expect(() => consensusRanking([])).toThrow(QualityError);
    expect(() =>
      consensusRanking([
        { labelerId: "L1", tiers: T("A > B > C") },
        { labelerId: "L2", tiers: T("A > B", 2) },
      ]),
    ).toThrow("The ranking by L2 does not cover the same answers as the others.");
  });
});
