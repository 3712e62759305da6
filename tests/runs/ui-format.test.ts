import { describe, expect, it } from "vitest";
import { formatDuration, formatTick, formatEta, formatValue, formatWhen, isActive, percent, plainNumber, runDuration } from "../../components/runs/format";

describe("run page formatting", () => {
  it("writes durations in the largest sensible units", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(42.4)).toBe("42 s");
    expect(formatDuration(185)).toBe("3 min 05 s");
    expect(formatDuration(2 * 3600 + 7 * 60 + 3)).toBe("2 h 07 min");
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe("3 d 4 h");
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(-1)).toBe("—");
    expect(formatDuration(NaN)).toBe("—");
  });

  it("says the ETA only while running", () => {
    expect(formatEta("running", 185)).toBe("about 3 min 05 s left");
    expect(formatEta("running", null)).toBe("estimating time left…");
    expect(formatEta("running", 0.2)).toBe("finishing…");
    expect(formatEta("queued", 10)).toBeUndefined();
    expect(formatEta("succeeded", 10)).toBeUndefined();
  });

  it("clamps progress to a whole percent", () => {
    expect(percent(0.456)).toBe(46);
    expect(percent(1.2)).toBe(100);
    expect(percent(-0.1)).toBe(0);
    expect(percent(undefined)).toBe(0);
  });

  it("writes metric values with 4 significant digits", () => {
    expect(formatValue(2.345678)).toBe("2.346");
    expect(formatValue(0.0001234)).toBe("1.234e-4");
    expect(formatValue(0)).toBe("0");
    expect(formatValue(-12.5)).toBe("-12.5");
    expect(formatValue(undefined)).toBe("—");
    expect(formatValue(1_000_000)).toBe("1,000,000");
    expect(formatValue(1200)).toBe("1200");
    expect(formatValue(2.5e6)).toBe("2,500,000");
    expect(formatValue(2.5e-9)).toBe("2.500e-9");
  });

  it("writes axis ticks short", () => {
    expect(formatTick(0.0003)).toBe("3e-4");
    expect(formatTick(0.000125)).toBe("1.25e-4");
    expect(formatTick(0.25)).toBe("0.25");
    expect(formatTick(1200)).toBe("1200");
    expect(formatTick(2e6)).toBe("2e6");
    expect(formatTick(0)).toBe("0");
    expect(formatTick(null)).toBe("");
  });

  it("dates in UTC and durations of finished and running runs", () => {
    expect(formatWhen("2026-11-29T08:30:12.000Z")).toBe("2026-11-29 08:30");
    expect(runDuration("2026-11-29T08:30:00.000Z", "2026-11-29T08:31:05.000Z", 0)).toBe("1 min 05 s");
    expect(runDuration("2026-11-29T08:30:00.000Z", null, Date.parse("2026-11-29T08:30:09.000Z"))).toBe("9 s");
    expect(runDuration(null, null, 0)).toBe("—");
    expect(isActive("queued") && isActive("running") && !isActive("failed")).toBe(true);
  });
});

describe("plainNumber: hyperparameters as a person types them", () => {
  it("writes digits, and the short exponent form only under 1e-3", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [1000000, "1000000"],
      [1e6, "1000000"],
      [2 ** 31 - 1, "2147483647"],
      [100_000, "100000"],
      [0.25, "0.25"],
      [0.1 + 0.2, "0.3"],
      [6e-4, "6e-4"],
      [0.0015, "0.0015"],
      [1e-3, "0.001"],
      [1e-4, "1e-4"],
      [6.5e-5, "6.5e-5"],
      [3e-5, "3e-5"],
      [1e-7, "1e-7"],
      [-1, "-1"],
      [-10, "-10"],
      [1e21, "1000000000000000000000"],
    ];
    for (const [v, text] of cases) expect(plainNumber(v), String(v)).toBe(text);
  });

  it("reads back as the same number", () => {
    for (const v of [1e-5, 3e-4, 6e-5, 0.95, 1337, 0.02, 1e-8, 123456.789]) expect(Number(plainNumber(v))).toBe(v);
  });
});
