import { describe, expect, it } from "vitest";
import { parsePairs } from "../../lib/exports/queries";

const a = "0b7e4a52-3f0e-4c59-9d1e-2f8f7d6c5b4a";
const b = "9a1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

describe("parsePairs (the reward-model export's pairs as the query sends them)", () => {
  it("reads each pair's ids, margin (an integer or a float as PostgreSQL writes it) and tie, in order", () => {
    expect(parsePairs(`${a} ${b} 2 false,${b} ${a} 0.75 false,${a} ${b} 0 true,${b} ${a} -1.5e-05 false`)).toEqual([
      [a, b, 2, false],
      [b, a, 0.75, false],
      [a, b, 0, true],
      [b, a, -0.000015, false],
    ]);
  });

  it("refuses a pair it cannot read rather than exporting a wrong one", () => {
    for (const bad of [`${a} ${b} 2`, `${a} ${b} NaN false`, `${a} ${b} Infinity false`, `${a} ${b} 1 yes`, `${a} ${b}  false`, `${a} ${b} 1 false x`])
      expect(() => parsePairs(bad), bad).toThrow(/could not be read/);
  });
});
