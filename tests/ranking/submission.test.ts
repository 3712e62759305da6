import { describe, expect, it } from "vitest";
import { FLAGS, FLAG_IDS, LIKERT_LABELS, flagLabel } from "../../lib/ranking/flags";
import { checkAnswers, resolveTiers } from "../../lib/ranking/submission";
import { demonstrationSubmission, rankingSubmission, skipSubmission } from "../../lib/validation/ranking";

const taskId = "6f1c2b1e-8d5a-4c3e-9b7a-2f4e6d8c0a1b";
const valid = {
  clientId: "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
  taskId,
  tiers: [[0], [1], [2, 3]],
  answers: [{ position: 0, likert: 7, flags: ["hallucination"] }, { position: 3 }],
  timeSpentMs: 12_000,
};

describe("flags", () => {
  it("lists InstructGPT's eight flags with labels and unique ids", () => {
    expect(FLAG_IDS).toHaveLength(8);
    expect(new Set(FLAG_IDS).size).toBe(8);
    expect(FLAGS.every((f) => f.label.length > 5)).toBe(true);
    expect(flagLabel("expresses_opinion")).toMatch(/opinion/i);
    expect(Object.keys(LIKERT_LABELS)).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
  });
});

describe("rankingSubmission schema", () => {
  it("accepts tiers or notation and defaults answers to []", () => {
    expect(rankingSubmission.parse(valid).tiers).toEqual([[0], [1], [2, 3]]);
    const parsed = rankingSubmission.parse({ ...valid, tiers: " A > B > C = D ", answers: undefined });
    expect(parsed.tiers).toBe("A > B > C = D");
    expect(parsed.answers).toEqual([]);
  });
  it("accepts a UUID or 8..64 URL-safe characters as client id", () => {
    expect(rankingSubmission.safeParse({ ...valid, clientId: "abc_DEF-12" }).success).toBe(true);
    for (const clientId of ["short", "x".repeat(65), "has space!", "a/b/c/d/e"])
      expect(rankingSubmission.safeParse({ ...valid, clientId }).success).toBe(false);
  });
  it.each([
    ["taskId", { taskId: "nope" }],
    ["tiers.0", { tiers: [[]] }],
    ["tiers", { tiers: "" }],
    // a score's range and a flag's name are the project's (its label schema), checked on submit: tests/labeling/label-schema.test.ts
    ["answers.0.likert", { answers: [{ position: 0, likert: 1.5 }] }],
    ["answers.0.flags", { answers: [{ position: 0, flags: ["hallucination", "hallucination"] }] }],
    ["answers", { answers: [{ position: 1 }, { position: 1 }] }],
    ["answers.0.position", { answers: [{ position: 9 }] }],
    ["timeSpentMs", { timeSpentMs: -1 }],
    ["timeSpentMs", { timeSpentMs: 1.5 }],
  ])("refuses a bad %s", (path, patch) => {
    const r = rankingSubmission.safeParse({ ...valid, ...patch });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });
});

describe("resolveTiers and checkAnswers (server-side, once K is known)", () => {
  it("resolves both forms to the same sorted tiers", () => {
    expect(resolveTiers("D = C > a > b", 4)).toEqual([[2, 3], [0], [1]]);
    expect(resolveTiers([[3, 2], [0], [1]], 4)).toEqual([[2, 3], [0], [1]]);
  });
  it("refuses tiers that do not fit the task's K", () => {
    expect(() => resolveTiers([[0], [1], [2]], 4)).toThrow("Answer D is not ranked.");
    expect(() => resolveTiers("A > B > C = E", 4)).toThrow("Answer E is not in this task");
  });
  it("refuses answer details for positions outside the task", () => {
    expect(() => checkAnswers([{ position: 0 }, { position: 3 }], 4)).not.toThrow();
    expect(() => checkAnswers([{ position: 4 }], 4)).toThrow("Answer E is not in this task, whose answers are A to D.");
    expect(() => checkAnswers([{ position: 1 }, { position: 1 }], 4)).toThrow("Answer B has its details given twice.");
  });
});

describe("demonstration and skip schemas", () => {
  it("trims the demonstration and refuses an empty one", () => {
    const ok = demonstrationSubmission.parse({ clientId: "abcdefgh", taskId, text: "  Hello  ", timeSpentMs: 0 });
    expect(ok.text).toBe("Hello");
    const bad = demonstrationSubmission.safeParse({ clientId: "abcdefgh", taskId, text: " \n ", timeSpentMs: 0 });
    expect(bad.error?.issues[0].message).toBe("Write a demonstration first");
  });
  it("defaults report to false and needs a reason", () => {
    expect(skipSubmission.parse({ taskId, reason: "off-topic" })).toEqual({ taskId, reason: "off-topic", report: false });
    expect(skipSubmission.parse({ taskId, reason: "broken", report: true }).report).toBe(true);
    expect(skipSubmission.safeParse({ taskId, reason: "  " }).success).toBe(false);
  });
});
