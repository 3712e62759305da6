import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ImportError } from "../../lib/imports/errors";
import type { ChunkSource } from "../../lib/imports/lines";
import { importFailure } from "../helpers/import-error";
import { detectFormat, parseImport, type ImportOptions } from "../../lib/imports/parse-file";

async function all(source: ChunkSource, opts: ImportOptions) {
  const out: { line: number; record: unknown }[] = [];
  for await (const r of parseImport(source, opts)) out.push(r);
  return out;
}
const failure = importFailure;

describe("detectFormat", () => {
  it("knows .jsonl, .ndjson, .json and .csv in any case", () => {
    expect(detectFormat("prompts.JSONL")).toBe("jsonl");
    expect(detectFormat("data.json")).toBe("json");
    expect(detectFormat("a.ndjson")).toBe("jsonl");
    expect(detectFormat("Answers.Csv")).toBe("csv");
  });
  it("refuses anything else in one sentence", () => {
    expect(() => detectFormat("data.txt")).toThrow('Upload a .jsonl, .json or .csv file; "data.txt" is none of them.');
    expect(() => detectFormat("csv")).toThrow(ImportError);
  });
});

describe("parseImport, JSON (one array of records)", () => {
  const records = [
    { prompt: 'one [with] brackets, commas and "quotes" \\' },
    { messages: [{ role: "user", content: "two }]" }], id: "p2" },
    { prompt: "three ✓ — ünïcode" },
  ];

  it("yields every record of the array with the line it starts on, across any chunk boundaries", async () => {
    const file = JSON.stringify(records, null, 2);
    const whole = await all([file], { format: "json", kind: "prompts" });
    expect(whole.map((r) => (r.record as { messages: { content: string }[] }).messages[0].content)).toEqual([records[0].prompt, "two }]", records[2].prompt]);
    expect(whole.map((r) => r.line)).toEqual([2, 5, 14]);
    // one byte at a time (multi-byte characters split between chunks) gives the same records
    const bytes = new TextEncoder().encode(file);
    const oneByOne = await all(Readable.from(Array.from(bytes, (b) => Buffer.from([b]))), { format: "json", kind: "prompts" });
    expect(oneByOne).toEqual(whole);
    // minified on one line, with a BOM
    const minified = await all(["\uFEFF" + JSON.stringify(records)], { format: "json", kind: "prompts" });
    expect(minified.map((r) => r.record)).toEqual(whole.map((r) => r.record));
  });

  it("refuses what is not one array of records, in one sentence naming the line", async () => {
    const opts = { format: "json" as const, kind: "prompts" as const };
    expect(await failure(all(['{"prompt":"a"}'], opts))).toMatchObject({ line: 1, message: expect.stringMatching(/must hold one JSON array of records/) });
    expect(await failure(all(['[\n{"prompt":"a"},\n{"prompt": }\n]'], opts))).toMatchObject({
      line: 3,
      message: "Line 3: the record starting on this line is not valid JSON.",
    });
    expect(await failure(all(['[{"prompt":"a"},,{"prompt":"b"}]'], opts))).toMatchObject({ reason: "json", message: expect.stringMatching(/missing/) });
    expect(await failure(all(['[{"prompt":"a"},]'], opts))).toMatchObject({ reason: "json" });
    expect(await failure(all(['[{"prompt":"a"}] x'], opts))).toMatchObject({ message: expect.stringMatching(/after the array's closing/) });
    expect(await failure(all(['[{"prompt":"a"}'], opts))).toMatchObject({ message: expect.stringMatching(/ends before the array's closing/) });
    expect(await failure(all(["[]"], opts))).toMatchObject({ reason: "empty_file" });
    expect(await failure(all(["  "], opts))).toMatchObject({ reason: "empty_file" });
    expect(await failure(all(['[{"prompt":"' + "x".repeat(200) + '"}]'], { ...opts, maxLineBytes: 100 }))).toMatchObject({ reason: "too_long", line: 1 });
    expect(await failure(all(['[{"prompt":""}]'], opts))).toMatchObject({ reason: "invalid", line: 1 });
  });
});

describe("parseImport, JSONL", () => {
  it("yields normalized prompt records with their line numbers, skipping blank lines", async () => {
    const file = '{"prompt":"one"}\n\n{"messages":[{"role":"user","content":"two"}],"id":"p2"}\r\n';
    const out = await all([file], { format: "jsonl", kind: "prompts" });
    expect(out.map((r) => r.line)).toEqual([1, 3]);
    expect(out[1].record).toMatchObject({ format: "chat", externalId: "p2", messages: [{ role: "user", content: "two" }] });
  });
  it("stops at the first bad line with its number", async () => {
    const file = '{"prompt":"a"}\n{"prompt":"b"}\n{"prompt": oops}\n{"prompt":""}\n';
    const seen: number[] = [];
    const e = await failure(
      (async () => {
        for await (const r of parseImport([file], { format: "jsonl", kind: "prompts" })) seen.push(r.line);
      })(),
    );
    expect(e.message).toBe("Line 3: the line is not valid JSON.");
    expect(e.line).toBe(3);
    expect(e.status).toBe(400);
    expect(seen).toEqual([1, 2]);
  });
  it("refuses an answer set with K out of range, or not the project's K", async () => {
    const file = '{"prompt":"q","responses":["a","b"]}\n{"prompt":"q","responses":["a"]}\n';
    expect((await failure(all([file], { format: "jsonl", kind: "answers" }))).message).toBe('Line 2: field "responses" must hold 2 to 9 answers.');
    const ten = JSON.stringify({ prompt: "q", responses: Array.from({ length: 10 }, (_, i) => `r${i}`) });
    expect((await failure(all([ten], { format: "jsonl", kind: "answers" }))).line).toBe(1);
    expect((await failure(all([file], { format: "jsonl", kind: "answers", answersPerTask: 4 }))).message).toBe(
      "Line 1: the record has 2 answers but this project ranks 4 per task.",
    );
  });
  it("refuses an empty file and a line over maxLineBytes", async () => {
    expect((await failure(all(["\n\n"], { format: "jsonl", kind: "prompts" }))).message).toBe("The file holds no records.");
    const long = `{"prompt":"ok"}\n{"prompt":"${"x".repeat(200)}"}\n`;
    expect((await failure(all([long], { format: "jsonl", kind: "prompts", maxLineBytes: 100 }))).message).toBe(
      "Line 2: the line is longer than the limit of 100 bytes.",
    );
  });

  it("streams a generated 100k-line file with bounded look-ahead", async () => {
    const total = 100_000;
    const perChunk = 250;
    let chunksMade = 0;
    function* chunks() {
      for (let start = 0; start < total; start += perChunk) {
        chunksMade++;
        let s = "";
        for (let i = start; i < start + perChunk; i++)
          s += JSON.stringify({ id: `p${i}`, prompt: `Prompt number ${i} ✓`, split: i % 10 === 0 ? "validation" : "train" }) + "\n";
        yield Buffer.from(s);
      }
    }
    let count = 0;
    let validation = 0;
    let maxLead = 0;
    const hashes = new Set<string>();
    for await (const { line, record } of parseImport(Readable.from(chunks()), { format: "jsonl", kind: "prompts" })) {
      count++;
      expect(line).toBe(count);
      if (record.split === "validation") validation++;
      if (count % 1000 === 0) hashes.add(record.contentHash);
      // how far the reader ran ahead of the consumer, in chunks
      maxLead = Math.max(maxLead, chunksMade - Math.ceil(count / perChunk));
    }
    expect(count).toBe(total);
    expect(validation).toBe(total / 10);
    expect(hashes.size).toBe(total / 1000);
    // Readable.from buffers up to 16 objects; the parser itself holds at most one chunk.
    expect(maxLead).toBeLessThanOrEqual(20);
  });
});

describe("parseImport, CSV", () => {
  it("reads prompts with quoted newlines, JSON columns and record-start line numbers", async () => {
    const file = ["id,prompt,split,metadata", 'a,"first line', 'second line, with comma",test,"{""lang"":""en""}"', "b,plain,,"].join("\r\n");
    const out = await all([file], { format: "csv", kind: "prompts" });
    expect(out.map((r) => r.line)).toEqual([2, 4]);
    expect(out[0].record).toMatchObject({
      externalId: "a",
      messages: [{ role: "user", content: "first line\nsecond line, with comma" }],
      split: "test",
      metadata: { lang: "en" },
    });
    expect(out[1].record).toMatchObject({ externalId: "b", split: "train", metadata: {} });
  });
  it("reads chat prompts from a messages column", async () => {
    const file = 'messages\n"[{""role"":""system"",""content"":""Be kind""},{""role"":""user"",""content"":""Hi""}]"\n';
    const [r] = await all([file], { format: "csv", kind: "prompts" });
    expect(r.record).toMatchObject({ format: "chat", messages: [{ role: "system" }, { role: "user", content: "Hi" }] });
  });
  it("reads answer sets from response_1..response_N columns", async () => {
    const file = 'prompt,response_1,response_2,response_3,model\nQ?,"A\n1",B,,m1\nR?,x,y,z,\n';
    const out = await all([file], { format: "csv", kind: "answers" });
    expect(out).toEqual([
      { line: 2, record: expect.objectContaining({ responses: ["A\n1", "B"], sourceName: "m1" }) },
      { line: 4, record: expect.objectContaining({ responses: ["x", "y", "z"], sourceName: "" }) },
    ]);
  });
  it("refuses a header without the needed columns at line 1", async () => {
    expect((await failure(all(["text,id\nx,1\n"], { format: "csv", kind: "prompts" }))).message).toBe(
      "Line 1: the header has neither a prompt nor a messages column.",
    );
    expect((await failure(all(["prompt,answer\nx,1\n"], { format: "csv", kind: "answers" }))).message).toBe(
      "Line 1: the header has no response_1 column (answers go in response_1 to response_9).",
    );
  });
  it("reports a bad record by the line it starts on, after a multi-line record", async () => {
    const file = 'prompt,response_1,response_2\n"multi\nline",a,b\nQ,only,\n';
    expect((await failure(all([file], { format: "csv", kind: "answers" }))).message).toBe('Line 4: field "responses" must hold 2 to 9 answers.');
  });
  it("refuses a header-only file as empty", async () => {
    expect((await failure(all(["prompt\n"], { format: "csv", kind: "prompts" }))).reason).toBe("empty_file");
  });
});
