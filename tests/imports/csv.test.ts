import { describe, expect, it } from "vitest";
import { readCsvRecords, readCsvRows } from "../../lib/imports/csv";
import type { ChunkSource } from "../../lib/imports/lines";
import { importFailure } from "../helpers/import-error";

async function rows(source: ChunkSource, max?: number) {
  const out: [number, string[]][] = [];
  for await (const { line, fields } of readCsvRows(source, max)) out.push([line, fields]);
  return out;
}
async function records(source: ChunkSource) {
  const out: [number, Record<string, string>][] = [];
  for await (const { line, record } of readCsvRecords(source)) out.push([line, record]);
  return out;
}
const failure = importFailure;

describe("readCsvRows (RFC 4180)", () => {
  it("reads plain, empty and quoted fields", async () => {
    expect(await rows(['a,b,c\n1,,"x, y"\n'])).toEqual([
      [1, ["a", "b", "c"]],
      [2, ["1", "", "x, y"]],
    ]);
  });
  it("unescapes doubled quotes and keeps empty quoted fields", async () => {
    expect(await rows(['"say ""hi""",""," ""a"" "'])).toEqual([[1, ['say "hi"', "", ' "a" ']]]);
  });
  it("keeps newlines inside quotes and reports the line a record starts on", async () => {
    const csv = 'id,text\n1,"line one\r\nline two\n\nline four"\n2,plain\n3,"a\n""b"""\n';
    expect(await rows([csv])).toEqual([
      [1, ["id", "text"]],
      [2, ["1", "line one\nline two\n\nline four"]],
      [6, ["2", "plain"]],
      [7, ["3", 'a\n"b"']],
    ]);
  });
  it("handles quotes and newlines split across chunks", async () => {
    expect(await rows(['a,"b', '""c', "\nd", '",e\n'])).toEqual([[1, ["a", 'b"c\nd', "e"]]]);
  });
  it("skips blank lines between records and keeps a trailing empty field", async () => {
    expect(await rows(["a,b\n\n  \n1,\n"])).toEqual([
      [1, ["a", "b"]],
      [4, ["1", ""]],
    ]);
  });
  it("refuses an unclosed quote at the line where the record starts", async () => {
    const e = await failure(rows(['a,b\n1,"open\n2,x\n3,y\n']));
    expect(e.message).toBe("Line 2: a quoted field is never closed.");
    expect(e.line).toBe(2);
  });
  it("refuses text after a closing quote and a quote inside an unquoted field", async () => {
    expect((await failure(rows(['a,b\n"x"y,z\n']))).message).toBe('Line 2: a quoted field is followed by "y" instead of a comma.');
    expect((await failure(rows(['a,b\nx"y,z\n']))).message).toBe(
      "Line 2: a quote appears inside an unquoted field; quote the whole field and double the quote.",
    );
  });
  it("refuses a multi-line record over the byte limit (a runaway quote) without reading the whole file", async () => {
    let produced = 0;
    async function* runaway() {
      yield 'a,b\n1,"never closed\n';
      for (;;) {
        produced++;
        yield "more text\n";
      }
    }
    const e = await failure(rows(runaway(), 500));
    expect(e.message).toBe("Line 2: the record is longer than the limit of 500 bytes (is a quote left open?).");
    expect(produced).toBeLessThan(100);
  });
});

describe("readCsvRecords", () => {
  it("keys records by the trimmed header names", async () => {
    expect(await records(["\uFEFF prompt , id\nhello,7\n"])).toEqual([[2, { prompt: "hello", id: "7" }]]);
  });
  it("refuses a record with the wrong number of fields", async () => {
    expect((await failure(records(["a,b\n1,2\n1,2,3\n"]))).message).toBe("Line 3: the record has 3 fields but the header has 2.");
    expect((await failure(records(["a,b\n1\n"]))).message).toBe("Line 2: the record has 1 field but the header has 2.");
  });
  it("refuses duplicate and empty header names", async () => {
    expect((await failure(records(["a,b,a\n"]))).message).toBe('Line 1: the header names the column "a" twice.');
    expect((await failure(records(["a,,b\n"]))).message).toBe("Line 1: column 2 of the header row has no name.");
  });
});

describe("CSV delimiters and encodings", () => {
  it("reads semicolon- and tab-separated files, the delimiter read off the header line", async () => {
    expect(await records(['prompt;id\n"a; b";1\nc;2\n'])).toEqual([
      [2, { prompt: "a; b", id: "1" }],
      [3, { prompt: "c", id: "2" }],
    ]);
    expect(await records(['prompt\tid\n"x, y"\t7\n'])).toEqual([[2, { prompt: "x, y", id: "7" }]]);
  });
  it("drops a UTF-8 BOM split across chunks and keeps quoted newlines", async () => {
    expect(await records([new Uint8Array([0xef, 0xbb]), new Uint8Array([0xbf]), 'prompt,id\n"two\r\nlines",1\n'])).toEqual([
      [2, { prompt: "two\nlines", id: "1" }],
    ]);
  });
  it("refuses UTF-16 and other encodings in one sentence", async () => {
    const utf16 = Buffer.from("\uFEFFprompt\nhi\n", "utf16le");
    expect((await failure(records([utf16]))).message).toBe("The file is UTF-16 text; save it as UTF-8 (CSV UTF-8) and upload it again.");
    const latin1 = Buffer.from("prompt\ncaf\xe9\n", "latin1");
    expect((await failure(records([latin1]))).message).toMatch(/^Line \d+: the file is not UTF-8 text; save it as UTF-8/);
  });
});
