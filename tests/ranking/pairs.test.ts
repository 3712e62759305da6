import { describe, expect, it } from "vitest";
import { expandPairs, pairCount } from "../../lib/ranking/pairs";
import { parseRanking } from "../../lib/ranking/notation";
import { mulberry32, randomTiers } from "./prng";

describe("expandPairs", () => {
  it("turns A > B > C = D into 5 comparisons and 1 tie", () => {
    const pairs = expandPairs(parseRanking("A > B > C = D", 4));
    expect(pairs).toEqual([
      { chosen: 0, rejected: 1, tie: false, margin: 1 },
      { chosen: 0, rejected: 2, tie: false, margin: 2 },
      { chosen: 0, rejected: 3, tie: false, margin: 2 },
      { chosen: 1, rejected: 2, tie: false, margin: 1 },
      { chosen: 1, rejected: 3, tie: false, margin: 1 },
      { chosen: 2, rejected: 3, tie: true, margin: 0 },
    ]);
  });

  it("chooses the better tier even when it has the higher position", () => {
    expect(expandPairs([[2], [0, 1]])).toEqual([
      { chosen: 0, rejected: 1, tie: true, margin: 0 },
      { chosen: 2, rejected: 0, tie: false, margin: 1 },
      { chosen: 2, rejected: 1, tie: false, margin: 1 },
    ]);
  });

  it("gives C(K,2) pairs for every K in 2..9 over many random tierings", () => {
    const rand = mulberry32(2024);
    for (let k = 2; k <= 9; k++) {
      expect(pairCount(k)).toBe([1, 3, 6, 10, 15, 21, 28, 36][k - 2]);
      for (let i = 0; i < 200; i++) {
        const tiers = randomTiers(k, rand);
        const pairs = expandPairs(tiers);
        const ties = pairs.filter((p) => p.tie).length;
        const comparisons = pairs.length - ties;
        expect(comparisons + ties).toBe(pairCount(k));
        // ties = Σ C(tier size, 2)
        expect(ties).toBe(tiers.reduce((n, t) => n + pairCount(t.length), 0));
        const keys = new Set(pairs.map((p) => `${Math.min(p.chosen, p.rejected)}-${Math.max(p.chosen, p.rejected)}`));
        expect(keys.size).toBe(pairCount(k));
        const tierOf = (pos: number) => tiers.findIndex((t) => t.includes(pos));
        for (const p of pairs) {
          expect(p.margin).toBe(tierOf(p.rejected) - tierOf(p.chosen));
          if (p.tie) expect(p.chosen).toBeLessThan(p.rejected);
          else expect(p.margin).toBeGreaterThan(0);
        }
      }
    }
  });

  it("refuses an invalid tiering", () => {
    expect(() => expandPairs([[0], [0]])).toThrow("Answer A is ranked twice.");
    expect(() => expandPairs([[0]])).toThrow("between 2 and 9");
  });
});
