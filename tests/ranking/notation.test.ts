import { describe, expect, it } from "vitest";
import { RankingError } from "../../lib/ranking/errors";
import { formatRanking, parseRanking } from "../../lib/ranking/notation";
import { mulberry32, randomTiers } from "./prng";

function errorOf(fn: () => unknown): RankingError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RankingError);
    return e as RankingError;
  }
  throw new Error("expected a RankingError");
}

describe("formatRanking", () => {
  it("writes tiers best-first with > and ties with =", () => {
    expect(formatRanking([[0], [1], [2, 3]])).toBe("A > B > C = D");
  });
  it("sorts letters inside a tier", () => {
    expect(formatRanking([[3, 1], [0], [2]])).toBe("B = D > A > C");
  });
  it("writes a full tie and a nine-answer ranking", () => {
    expect(formatRanking([[1, 0]])).toBe("A = B");
    expect(formatRanking([[8], [7], [6], [5], [4], [3], [2], [1], [0]])).toBe("I > H > G > F > E > D > C > B > A");
  });
  it("refuses incomplete or repeated tiers", () => {
    expect(errorOf(() => formatRanking([[0], [0]])).reason).toBe("duplicate");
    expect(errorOf(() => formatRanking([[0], [2]])).reason).toBe("not_in_task");
    expect(errorOf(() => formatRanking([[0], [], [1]])).reason).toBe("empty_tier");
  });
});

describe("parseRanking", () => {
  it("reads the canonical form", () => {
    expect(parseRanking("A > B > C = D", 4)).toEqual([[0], [1], [2, 3]]);
  });
  it("tolerates whitespace, lower case and unsorted ties", () => {
    expect(parseRanking("  d=c>b \n> a ", 4)).toEqual([[2, 3], [1], [0]]);
    expect(parseRanking("B>A", 2)).toEqual([[1], [0]]);
    expect(parseRanking("a\t=\tb", 2)).toEqual([[0, 1]]);
  });
  it("round-trips with formatRanking for many random tierings", () => {
    const rand = mulberry32(7);
    for (let i = 0; i < 500; i++) {
      const k = 2 + Math.floor(rand() * 8);
      const tiers = randomTiers(k, rand).map((t) => [...t].sort((a, b) => a - b));
      expect(parseRanking(formatRanking(tiers), k)).toEqual(tiers);
    }
  });
  it.each([
    ["A > B > C", 4, "missing", "Answer D is not ranked."],
    ["A > B", 4, "missing", "Answers C, D are not ranked."],
    ["A > B > A = C", 3, "duplicate", "Answer A is named twice."],
    ["A > b > B", 3, "duplicate", "Answer B is named twice."],
    ["A > B > C = E", 4, "not_in_task", "Answer E is not in this task, whose answers are A to D."],
    ["A > Z", 2, "not_in_task", "Answer Z is not in this task, whose answers are A to B."],
    ["A > > B", 2, "empty_tier", 'The ranking "A > > B" has an empty tier.'],
    ["> A > B", 2, "empty_tier", 'The ranking "> A > B" has an empty tier.'],
    ["A > B >", 2, "empty_tier", 'The ranking "A > B >" has an empty tier.'],
    ["A = = B", 2, "empty_tier", 'The ranking "A = = B" has a tie with a missing answer.'],
    ["A >= B", 2, "empty_tier", 'The ranking "A >= B" has a tie with a missing answer.'],
    ["A < B", 2, "garbage", 'The ranking contains "<"; use letters, ">" and "=" only.'],
    ["A ≻ B", 2, "garbage", 'The ranking contains "≻"; use letters, ">" and "=" only.'],
    ["1 > 2", 2, "garbage", 'The ranking contains "1"; use letters, ">" and "=" only.'],
    ["AB > C", 3, "garbage", '"AB" is not an answer letter; separate answers with ">" or "=".'],
    ["   ", 2, "empty", "The ranking is empty."],
  ])("refuses %j (K=%i) with one clear sentence", (text, k, reason, message) => {
    const e = errorOf(() => parseRanking(text, k));
    expect(e.reason).toBe(reason);
    expect(e.message).toBe(message);
    expect(e.code).toBe("bad_request");
    expect(e.status).toBe(400);
  });
  it("refuses K outside 2..9", () => {
    expect(errorOf(() => parseRanking("A", 1)).reason).toBe("bad_k");
    expect(errorOf(() => parseRanking("A > B", 10)).message).toBe("A ranking task must have between 2 and 9 answers, not 10.");
  });
});
