import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ExportError } from "../../lib/exports/errors";
import { pseudonym, pseudonymizer } from "../../lib/exports/pseudonym";
import { splitOf, unitHash } from "../../lib/exports/split";

const keys = Array.from({ length: 20_000 }, (_, i) => createHash("sha256").update(`prompt ${i}`).digest("hex"));

describe("splitOf", () => {
  it("is deterministic and close to the requested fractions", () => {
    const counts = { train: 0, validation: 0, test: 0 };
    for (const k of keys) {
      const s = splitOf(k, { validation: 0.1, test: 0.05, seed: "s1" });
      expect(splitOf(k, { validation: 0.1, test: 0.05, seed: "s1" })).toBe(s);
      counts[s]++;
    }
    // binomial sd for 20k at p = 0.1 is ~42; allow 5 sd
    expect(Math.abs(counts.validation - 2000)).toBeLessThan(220);
    expect(Math.abs(counts.test - 1000)).toBeLessThan(160);
    expect(counts.train + counts.validation + counts.test).toBe(keys.length);
  });
  it("defaults to 10% validation and no test", () => {
    const s = keys.map((k) => splitOf(k));
    expect(s).not.toContain("test");
    expect(s.filter((x) => x === "validation").length).toBeGreaterThan(1700);
  });
  it("reshuffles with another seed but keeps a prompt in one split", () => {
    const a = keys.map((k) => splitOf(k, { seed: "a" }));
    const b = keys.map((k) => splitOf(k, { seed: "b" }));
    expect(a.filter((x, i) => x !== b[i]).length).toBeGreaterThan(1000);
  });
  it("grows validation by adding prompts, never moving validation ones to train", () => {
    for (const k of keys.slice(0, 2000)) if (splitOf(k, { validation: 0.1 }) === "validation") expect(splitOf(k, { validation: 0.2 })).toBe("validation");
  });
  it("uses the first 48 bits of sha256(seed NUL key)", () => {
    const d = createHash("sha256").update("s\u0000k").digest();
    expect(unitHash("k", "s")).toBe(parseInt(d.subarray(0, 6).toString("hex"), 16) / 2 ** 48);
  });
  it("puts everything in train or everything in validation at the extremes", () => {
    expect(keys.slice(0, 200).every((k) => splitOf(k, { validation: 0 }) === "train")).toBe(true);
    expect(keys.slice(0, 200).every((k) => splitOf(k, { validation: 1 }) === "validation")).toBe(true);
  });
  it("refuses impossible fractions", () => {
    expect(() => splitOf("k", { validation: 0.6, test: 0.5 })).toThrow("The validation and test fractions add up to 1.1, more than 1.");
    expect(() => splitOf("k", { validation: -0.1 })).toThrow("The validation fraction must be between 0 and 1, not -0.1.");
    expect(() => splitOf("k", { test: Number.NaN })).toThrow(ExportError);
  });
});

describe("pseudonym", () => {
  const secret = "export-secret-0123456789";
  it("is labeler- plus the first 10 hex of HMAC-SHA256(secret, userId)", () => {
    const expected = createHmac("sha256", secret).update("user-1").digest("hex").slice(0, 10);
    expect(pseudonym(secret, "user-1")).toBe(`labeler-${expected}`);
    expect(pseudonym(secret, "user-1")).toMatch(/^labeler-[0-9a-f]{10}$/);
  });
  it("is stable per secret, differs between users and between exports", () => {
    expect(pseudonym(secret, "u1")).toBe(pseudonym(secret, "u1"));
    expect(pseudonym(secret, "u1")).not.toBe(pseudonym(secret, "u2"));
    expect(pseudonym(secret, "u1")).not.toBe(pseudonym(`${secret}x`, "u1"));
    const p = pseudonymizer(secret);
    expect(p("u1")).toBe(pseudonym(secret, "u1"));
    expect(p("u1")).toBe(p("u1"));
  });
  it("refuses a short secret", () => {
    expect(() => pseudonym("short", "u1")).toThrow("The export secret must be at least 16 characters long.");
    expect(() => pseudonymizer("")).toThrow(ExportError);
  });
});
