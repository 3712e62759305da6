// An export row's JSON line built from cached UTF-8 parts (lib/exports/json-line.ts) must be byte for
// byte Buffer.from(JSON.stringify(row)): every row shape the layouts write, and the values JSON.stringify
// treats specially (escapes, lone surrogates, undefined, NaN, -0, toJSON, holes), before and after the
// texts it keeps are reused and forgotten.
import { describe, expect, it } from "vitest";
import { JsonLine } from "../../lib/exports/json-line";

const line = (json: JsonLine, row: object) => {
  const parts: Buffer[] = [];
  const bytes = json.parts(row, parts);
  const out = Buffer.concat(parts);
  expect(out.length).toBe(bytes);
  return out;
};

const expectSame = (json: JsonLine, row: object) => expect(line(json, row).equals(Buffer.from(JSON.stringify(row), "utf8"))).toBe(true);

const long = (s: string) => `${s} ${"that goes on for a while, ".repeat(3)}`;

describe("an export row's JSON line from parts", () => {
  it("is JSON.stringify's bytes for every layout's rows, with texts reused across rows and prompts", () => {
    const json = new JsonLine();
    const prompt = long("Explain how an export streams rows");
    const answers = ["A", "B", "C"].map((x) => long(`Answer ${x}: é, 日本語, emoji 😀, "quotes", back\\slash, tab\t, newline\n`));
    for (let round = 0; round < 3; round++) {
      if (round === 2) json.reset(); // a new prompt's rows
      for (const [i, chosen] of answers.entries())
        for (const rejected of answers.slice(i + 1)) {
          expectSame(json, { prompt, chosen, rejected });
          expectSame(json, { prompt, chosen, rejected, margin: 2, tie: false });
          expectSame(json, { prompt, chosen, rejected, margin: 0, tie: true });
          const messages = [{ role: "user", content: prompt }];
          expectSame(json, { prompt: messages, chosen: [{ role: "assistant", content: chosen }], rejected: [{ role: "assistant", content: rejected }] });
        }
      expectSame(json, {
        prompt,
        responses: answers,
        ranking: "A > B = C",
        tiers: [[0], [1, 2]],
        likert: [7, null, 2],
        flags: [[], ["hallucination"], []],
        labeler: "labeler-0123456789",
        time_spent_ms: 1234,
        ratings: [{}, { helpful: 3 }, {}],
        rationale: null,
      });
      expectSame(json, { prompt, completion: answers[0] });
      expectSame(json, {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: prompt },
        ],
      });
    }
  });

  it("treats the values JSON.stringify treats specially the same way", () => {
    const json = new JsonLine();
    const lone = long("a lone surrogate \ud800 and its mirror \udc00 and a pair \ud83d\ude00");
    const rows: object[] = [
      { lone, short: "\ud800" },
      { control: long("\u0000\u0001\u001f\u007f\u2028\u2029 controls"), empty: "" },
      { nan: NaN, inf: Infinity, negZero: -0, big: 1e21, small: 5e-7, int: 3, float: 0.1 + 0.2 },
      { skipped: undefined, fn: () => 1, sym: Symbol("s"), kept: "yes" },
      { onlyUndefined: undefined },
      { arr: [undefined, () => 1, null, "x", [], {}] },
      { holes: [1, , 3] }, // eslint-disable-line no-sparse-arrays
      { date: new Date(Date.UTC(2026, 11, 5, 12)), withToJson: { toJSON: () => ({ a: 1 }) } },
      { nested: { deeper: { deepest: [{ text: lone }] } } },
      { 'key with "quotes" and é': 1, 10: "an integer key comes first", b: 2 },
      Object.assign(Object.create(null) as object, { bare: long("an object without a prototype") }),
      { same: lone, again: lone },
    ];
    for (const row of rows) expectSame(json, row);
    for (const row of rows) expectSame(json, row); // the second time from the cache
  });

  it("throws as JSON.stringify does on what JSON cannot hold", () => {
    const json = new JsonLine();
    expect(() => line(json, { n: 1n })).toThrow(TypeError);
  });

  it("keeps at most its bound of texts and stays right past it", () => {
    const json = new JsonLine();
    for (let i = 0; i < 10_000; i++) expectSame(json, { text: long(`text number ${i}`) });
    expect((json as unknown as { texts: Map<string, Buffer> }).texts.size).toBeLessThanOrEqual(4096);
  });
});
