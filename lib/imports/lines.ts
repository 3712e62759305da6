// Streams text lines out of an upload without holding the file in memory.
import { ImportError } from "./errors";

/** What the import functions read: a Node Readable, a web ReadableStream or any (async) iterable of chunks. */
export type ChunkSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | ReadableStream<Uint8Array>;

export type Line = {
  /** 1-based line number. */
  line: number;
  text: string;
  /** UTF-8 length of the text (without the line ending or a BOM). */
  bytes: number;
};

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;
const encoder = new TextEncoder();

export async function* chunksOf(source: ChunkSource): AsyncGenerator<Uint8Array> {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) yield typeof chunk === "string" ? encoder.encode(chunk) : chunk;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Yields the lines of a UTF-8 stream with 1-based numbers. Splits on "\n" at the byte level (so a
 * character split across chunks is never cut), drops a trailing "\r", strips a leading BOM and yields
 * a final line that has no newline. A line over maxLineBytes (without its newline) or with invalid
 * UTF-8 throws an ImportError before the rest of the file is read.
 */
export async function* readLines(source: ChunkSource, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<Line> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let parts: Uint8Array[] = [];
  let pending = 0;
  let line = 0;

  const finish = (bytes: Uint8Array): Line => {
    line++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end--;
    if (end > maxLineBytes) throw new ImportError("too_long", line, `the line is longer than the limit of ${maxLineBytes} bytes.`);
    let start = 0;
    if (line === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(start, end));
    } catch {
      throw new ImportError("encoding", line, "the line is not valid UTF-8 text.");
    }
    return { line, text, bytes: end - start };
  };

  for await (const chunk of chunksOf(source)) {
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, from)) {
      const piece = chunk.subarray(from, nl);
      parts.push(piece);
      yield finish(concat(parts, pending + piece.length));
      parts = [];
      pending = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      const rest = chunk.subarray(from);
      // Copy: a Node stream may reuse its buffer for the next chunk.
      parts.push(rest.slice());
      pending += rest.length;
      // +1 leaves room for a "\r" that the next chunk's "\n" would turn into a line ending.
      if (pending > maxLineBytes + 1) throw new ImportError("too_long", line + 1, `the line is longer than the limit of ${maxLineBytes} bytes.`);
    }
  }
  if (pending > 0) yield finish(concat(parts, pending));
}
