import { describe, expect, it } from "vitest";
import { RankingError } from "../../lib/ranking/errors";
import { formatRanking } from "../../lib/ranking/notation";
import { moveDown, moveToNewTier, moveToTier, moveUp, tieWithAbove, unrankedStart, validateTiers } from "../../lib/ranking/tiers";
import { mulberry32, randomTiers } from "./prng";

const R = (tiers: number[][]) => formatRanking(tiers);

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RankingError);
    return (e as RankingError).reason;
  }
  throw new Error("expected a RankingError");
}

describe("validateTiers", () => {
  it("accepts every complete tiering", () => {
    expect(() => validateTiers([[0], [1], [2, 3]], 4)).not.toThrow();
    expect(() => validateTiers([[1, 0]], 2)).not.toThrow();
  });
  it.each([
    [[[0], [1]], 1, "bad_k"],
    [[[0], [1]], 10, "bad_k"],
    [[], 2, "empty"],
    ["A > B", 2, "empty"],
    [[[0], [], [1]], 2, "empty_tier"],
    [[[0], [1, 1]], 2, "duplicate"],
    [[[0], [1], [2]], 2, "not_in_task"],
    [[[0], [-1]], 2, "not_in_task"],
    [[[0], [0.5]], 2, "not_in_task"],
    [[[0], ["1"]], 2, "not_in_task"],
    [[[0]], 2, "missing"],
  ])("refuses %j for K=%i (%s)", (tiers, k, reason) => {
    expect(reasonOf(() => validateTiers(tiers, k))).toBe(reason);
  });
});

describe("keyboard ranking helpers", () => {
  it("starts with each answer its own tier in display order", () => {
    expect(unrankedStart(4)).toEqual([[0], [1], [2], [3]]);
    expect(reasonOf(() => unrankedStart(10))).toBe("bad_k");
  });

  it("moveToTier joins a tier, makes a new last tier, and drops emptied tiers", () => {
    const start = [[0], [1], [2], [3]];
    expect(R(moveToTier(start, 3, 0))).toBe("A = D > B > C");
    expect(R(moveToTier(start, 0, 4))).toBe("B > C > D > A");
    expect(R(moveToTier([[0], [1, 2]], 0, 1))).toBe("A = B = C");
    expect(R(moveToTier([[0, 1], [2]], 1, 2))).toBe("A > C > B");
    expect(start).toEqual([[0], [1], [2], [3]]); // input untouched
    expect(reasonOf(() => moveToTier(start, 0, 5))).toBe("bad_move");
    expect(reasonOf(() => moveToTier(start, 7, 0))).toBe("bad_move");
  });

  it("moveToNewTier inserts a tier of its own", () => {
    expect(R(moveToNewTier([[0, 1, 2]], 2, 0))).toBe("C > A = B");
    expect(R(moveToNewTier([[0, 1, 2]], 0, 1))).toBe("B = C > A");
    expect(R(moveToNewTier([[0], [1], [2]], 2, 1))).toBe("A > C > B");
  });

  it("tieWithAbove merges into the tier above and leaves the top tier alone", () => {
    expect(R(tieWithAbove([[0], [1], [2], [3]], 3))).toBe("A > B > C = D");
    expect(R(tieWithAbove([[0], [1, 2], [3]], 2))).toBe("A = C > B > D");
    expect(R(tieWithAbove([[1], [0]], 1))).toBe("B > A");
  });

  it("moveUp swaps a lone answer with the tier above and splits a tie upwards", () => {
    expect(R(moveUp([[0], [1], [2]], 2))).toBe("A > C > B");
    expect(R(moveUp([[0], [1, 2]], 0))).toBe("A > B = C"); // top: unchanged
    expect(R(moveUp([[0, 1], [2]], 2))).toBe("C > A = B"); // swaps past a whole tie
    expect(R(moveUp([[0], [1, 2, 3]], 2))).toBe("A > C > B = D"); // split out of its tie
  });

  it("moveDown swaps a lone answer with the tier below and splits a tie downwards", () => {
    expect(R(moveDown([[0], [1], [2]], 0))).toBe("B > A > C");
    expect(R(moveDown([[0], [1]], 1))).toBe("A > B"); // bottom: unchanged
    expect(R(moveDown([[0], [1, 2]], 0))).toBe("B = C > A");
    expect(R(moveDown([[0, 1, 3], [2]], 1))).toBe("A = D > B > C");
  });

  it("always returns valid tierings, and moveDown undoes moveUp of a lone answer", () => {
    const rand = mulberry32(11);
    for (let i = 0; i < 400; i++) {
      const k = 2 + Math.floor(rand() * 8);
      const tiers = randomTiers(k, rand);
      const pos = Math.floor(rand() * k);
      const t = Math.floor(rand() * (tiers.length + 1));
      for (const out of [moveUp(tiers, pos), moveDown(tiers, pos), tieWithAbove(tiers, pos), moveToTier(tiers, pos, t)])
        expect(() => validateTiers(out, k)).not.toThrow();
      const tier = tiers.find((x) => x.includes(pos))!;
      if (tier.length === 1 && tiers[0] !== tier) expect(R(moveDown(moveUp(tiers, pos), pos))).toBe(R(tiers));
    }
  });
});
