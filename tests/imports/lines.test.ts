import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ImportError } from "../../lib/imports/errors";
import { readLines, type ChunkSource } from "../../lib/imports/lines";

async function collect(source: ChunkSource, max?: number) {
  const out: [number, string][] = [];
  for await (const { line, text } of readLines(source, max)) out.push([line, text]);
  return out;
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe("readLines", () => {
  it("numbers lines from 1, handles \\r\\n and a last line without newline", async () => {
    expect(await collect(["a\r\nb\n\nc"])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, ""],
      [4, "c"],
    ]);
  });
  it("does not invent a line after a final newline", async () => {
    expect(await collect(["a\nb\n"])).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
    expect(await collect([])).toEqual([]);
  });
  it("joins lines split across chunks, including a \\r\\n split between chunks", async () => {
    expect(await collect(["ab", "c\r", "\nd", "e\n", "f"])).toEqual([
      [1, "abc"],
      [2, "de"],
      [3, "f"],
    ]);
  });
  it("keeps a UTF-8 character split across chunks whole", async () => {
    const all = bytes("héllo 🎉\nnext");
    // cut inside "é" (2 bytes) and inside the emoji (4 bytes)
    const chunks = [all.slice(0, 2), all.slice(2, 9), all.slice(9, 11), all.slice(11)];
    expect(await collect(chunks)).toEqual([
      [1, "héllo 🎉"],
      [2, "next"],
    ]);
  });
  it("feeds one byte at a time from a Node Readable", async () => {
    const all = bytes("\uFEFFx,y\r\n日本\n");
    const stream = Readable.from(
      (function* () {
        for (const b of all) yield Buffer.from([b]);
      })(),
    );
    expect(await collect(stream)).toEqual([
      [1, "x,y"],
      [2, "日本"],
    ]);
  });
  it("strips a BOM only at the start of the file", async () => {
    expect(await collect(["\uFEFFa\n\uFEFFb"])).toEqual([
      [1, "a"],
      [2, "\uFEFFb"],
    ]);
  });
  it("reads a web ReadableStream", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes("1\n2"));
        c.enqueue(bytes("3\n"));
        c.close();
      },
    });
    expect(await collect(stream)).toEqual([
      [1, "1"],
      [2, "23"],
    ]);
  });
  it("refuses a line over the byte limit with its line number, before reading on", async () => {
    let produced = 0;
    async function* endless() {
      yield "short\n";
      for (;;) {
        produced++;
        yield "x".repeat(100);
      }
    }
    await expect(collect(endless(), 1000)).rejects.toThrow(new ImportError("too_long", 2, "the line is longer than the limit of 1000 bytes."));
    expect(produced).toBeLessThan(20);
    // exactly at the limit is fine, and the limit counts bytes, not characters
    expect(await collect(["é".repeat(5) + "\r\n"], 10)).toEqual([[1, "ééééé"]]);
    await expect(collect(["é".repeat(6)], 10)).rejects.toThrow("Line 1: the line is longer than the limit of 10 bytes.");
  });
  it("refuses invalid UTF-8 with the line number", async () => {
    await expect(collect([bytes("ok\n"), new Uint8Array([0x61, 0xff, 0x0a])])).rejects.toThrow("Line 2: the line is not valid UTF-8 text.");
  });
});
