// The ranking board's tier keys put an answer in exactly the tier numbered on screen (issue 21):
// "2" on an empty board leaves tier 1 empty, so a later "1" on another answer ranks above it.
import { describe, expect, it } from "vitest";
import { isComplete, partialNotation, placeByKey, rankedTiers, startBoard, tieWithAbove, unrank } from "../../components/labeling/board-state";

const [A, B, C, D] = [0, 1, 2, 3];

describe("tier keys on the ranking board", () => {
  it("2 on an empty board puts the answer in tier 2, so B > A is what 2 on A then 1 on B means", () => {
    let b = placeByKey(startBoard(2), A, 1);
    expect(b.tiers).toEqual([[], [A]]);
    expect(partialNotation(b)).toBe("A");
    b = placeByKey(b, B, 0);
    expect(b.tiers).toEqual([[B], [A]]);
    expect(isComplete(b)).toBe(true);
    expect(partialNotation(b)).toBe("B > A");
  });

  it("1, 2, 3, 3 on A, B, C, D ranks A > B > C = D", () => {
    let b = startBoard(4);
    for (const [pos, key] of [
      [A, 1],
      [B, 2],
      [C, 3],
      [D, 3],
    ])
      b = placeByKey(b, pos, key - 1);
    expect(partialNotation(b)).toBe("A > B > C = D");
    expect(rankedTiers(b)).toEqual([[A], [B], [C, D]]);
  });

  it("moving an answer keeps the other tiers' numbers; empty tiers at the end go", () => {
    let b = startBoard(3);
    b = placeByKey(b, A, 0);
    b = placeByKey(b, B, 2);
    expect(b.tiers).toEqual([[A], [], [B]]);
    b = placeByKey(b, B, 0);
    expect(b.tiers).toEqual([[A, B]]);
    b = placeByKey(b, C, 3);
    b = unrank(b, A);
    expect(b.tiers).toEqual([[B], [], [], [C]]);
    expect(partialNotation(b)).toBe("B > C");
    expect(isComplete(b)).toBe(false);
  });

  it("= ties with the nearest ranked tier above, skipping empty ones", () => {
    let b = placeByKey(placeByKey(startBoard(3), A, 0), B, 2);
    b = tieWithAbove(b, B);
    expect(b.tiers).toEqual([[A, B]]);
    b = tieWithAbove(b, C); // unranked: ties with the last ranked tier
    expect(partialNotation(b)).toBe("A = B = C");
  });
});
