import { describe, expect, it } from "vitest";
import { parsePairs } from "../../lib/exports/queries";

const a = "0b7e4a52-3f0e-4c59-9d1e-2f8f7d6c5b4a";
const b = "9a1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
const c = "9a1c2d3e-4f50-4617-8293-a4b5c6d7e8f0"; // differs from b in its last character only
const ids = [a, b, c];

describe("parsePairs (the reward-model export's pairs as the query sends them)", () => {
  it("reads each pair's ids, margin (an integer or a float as PostgreSQL writes it) and tie, in order", () => {
    expect(parsePairs(`${a} ${b} 2 false,${b} ${a} 0.75 false,${a} ${c} 0 true,${c} ${b} -1.5e-05 false,${b} ${c} 12 false`, ids)).toEqual([
      [a, b, 2, false],
      [b, a, 0.75, false],
      [a, c, 0, true],
      [c, b, -0.000015, false],
      [b, c, 12, false],
    ]);
  });

  it("refuses a pair it cannot read rather than exporting a wrong one", () => {
    for (const bad of [
      `${a} ${b} 2`,
      `${a} ${b} NaN false`,
      `${a} ${b} Infinity false`,
      `${a} ${b} 1 yes`,
      `${a} ${b}  false`,
      `${a} ${b} 1 false x`,
      `${a} ${b} 1 false,`,
      `${a}  ${b} 1 false`,
      "",
    ])
      expect(() => parsePairs(bad, ids), bad).toThrow(/could not be read/);
  });

  it("names an answer that is not one of the prompt's in one sentence", () => {
    const other = "11111111-2222-4333-8444-555555555555";
    expect(() => parsePairs(`${a} ${b} 1 false,${a} ${other} 1 false`, ids)).toThrow(
      `A stored pair names answer ${other}, which is not an answer to the ranked prompt.`,
    );
    expect(() => parsePairs(`${a} ${b.slice(0, -1)} 1 false`, ids)).toThrow(/names answer/);
  });
});
