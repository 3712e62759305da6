// CSV, streamed through csv-parse: quoted fields, "" inside quotes, line breaks inside quotes, a UTF-8
// BOM; the delimiter (comma, semicolon or tab) is read off the header line. The bytes must be UTF-8:
// UTF-16 or other encodings get one sentence saying to save the file as UTF-8.
import { Readable } from "node:stream";
import { parse, type CsvError, type Info } from "csv-parse";
import { ImportError } from "./errors";
import { chunksOf, DEFAULT_MAX_LINE_BYTES, type ChunkSource } from "./lines";

export type CsvRow = { /** Line the record starts on (1-based). */ line: number; fields: string[] };
export type CsvRecord = { line: number; record: Record<string, string> };

const DELIMITERS = [",", ";", "\t"] as const;
const DELIMITER_NAMES: Record<string, string> = { ",": "a comma", ";": "a semicolon", "\t": "a tab" };

/** The delimiter the header line uses most (outside quotes); a comma when it has none. */
function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  return [...counts].reduce((best, c) => (c[1] > best[1] ? c : best), [",", 0])[0];
}

/** The file's text, checked to be UTF-8 (a BOM dropped), and its delimiter once its first line is read. */
async function* utf8Text(source: ChunkSource, found: { delimiter?: string; line: number }): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let head = "";
  let first = true;
  for await (const chunk of chunksOf(source)) {
    if (first && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)))
      throw new ImportError("encoding", 0, "The file is UTF-16 text; save it as UTF-8 (CSV UTF-8) and upload it again.");
    first = false;
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new ImportError("encoding", found.line || 1, "the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8) and upload it again.");
    }
    if (found.delimiter === undefined) {
      head += text;
      const nl = head.indexOf("\n");
      if (nl < 0 && head.length < 1 << 20) continue;
      found.delimiter = detectDelimiter(nl < 0 ? head : head.slice(0, nl));
      text = head;
      head = "";
    }
    if (text) yield text;
  }
  try {
    const rest = head + decoder.decode();
    if (found.delimiter === undefined) found.delimiter = detectDelimiter(rest.split("\n")[0]!);
    if (rest) yield rest;
  } catch {
    throw new ImportError("encoding", found.line || 1, "the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8) and upload it again.");
  }
}

function csvError(e: CsvError & { message: string }, line: number, delimiter: string, maxRecordBytes: number): ImportError {
  switch (e.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return new ImportError("csv", line, "a quoted field is never closed.");
    case "CSV_INVALID_CLOSING_QUOTE": {
      const got = /got "(.*?)"/.exec(e.message)?.[1] ?? "?";
      return new ImportError("csv", line, `a quoted field is followed by "${got}" instead of ${DELIMITER_NAMES[delimiter]}.`);
    }
    case "INVALID_OPENING_QUOTE":
      return new ImportError("csv", line, "a quote appears inside an unquoted field; quote the whole field and double the quote.");
    case "CSV_MAX_RECORD_SIZE":
      return new ImportError("too_long", line, `the record is longer than the limit of ${maxRecordBytes} bytes (is a quote left open?).`);
    default:
      return new ImportError("csv", line, `the record cannot be read as CSV (${e.message.replace(/ at line \d+.*$/, "")}).`);
  }
}

/** Line breaks in a record's raw text. csv-parse leaves the "\n" of a record-ending "\r\n" out of `raw`, so a trailing "\r" counts as one. */
const newlines = (s: string) => {
  let n = s.endsWith("\r") ? 1 : 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
};

/**
 * Yields CSV records as field arrays. A line break inside a quoted field is kept as "\n" (a "\r\n"
 * there becomes "\n"). Blank lines between records are skipped. A record longer than
 * maxRecordBytes, an unclosed quote or a stray quote throws an ImportError naming the line the
 * record starts on.
 */
export async function* readCsvRows(source: ChunkSource, maxRecordBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<CsvRow> {
  const found: { delimiter?: string; line: number } = { line: 0 };
  const text = Readable.from(utf8Text(source, found), { objectMode: false });
  const input = text[Symbol.asyncIterator]();
  const first = await input.next(); // reads up to the first line break: the delimiter is known after it
  if (first.done) return;
  const delimiter = found.delimiter ?? ",";
  const parser = parse({ delimiter, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, max_record_size: maxRecordBytes });
  let consumed = 0; // line breaks in the records read so far
  // Feeds the parser with backpressure; an error (bad UTF-8) ends the parser with it.
  void (async () => {
    try {
      for (let chunk: IteratorResult<unknown> = first; !chunk.done; chunk = await input.next())
        if (!parser.write(chunk.value)) await new Promise((r) => parser.once("drain", r));
      parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; raw: string; info: Info }>) {
      const leading = /^(?:[ \t]*\r?\n)*/.exec(r.raw)![0];
      const line = consumed + newlines(leading) + 1;
      consumed += newlines(r.raw);
      found.line = consumed + 1;
      if (r.record.length === 1 && r.record[0]?.trim() === "") continue; // a line of spaces between records
      yield { line, fields: r.record.map((f) => f.replace(/\r\n/g, "\n")) };
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    if ((e as CsvError).code) throw csvError(e as CsvError, consumed + 1, delimiter, maxRecordBytes);
    throw e;
  } finally {
    text.destroy();
  }
}

/**
 * Yields CSV records keyed by the header row's names (trimmed). The header must have unique,
 * non-empty names; every record must have as many fields as the header.
 */
export async function* readCsvRecords(
  source: ChunkSource,
  maxRecordBytes = DEFAULT_MAX_LINE_BYTES,
  /** Called once with the header's names; throw (an ImportError for `line`) to refuse the file. */
  checkHeader?: (names: string[], line: number) => void,
): AsyncGenerator<CsvRecord> {
  let header: string[] | undefined;
  for await (const { line, fields } of readCsvRows(source, maxRecordBytes)) {
    if (!header) {
      header = fields.map((f) => f.trim());
      const blank = header.findIndex((h) => h === "");
      if (blank >= 0) throw new ImportError("csv", line, `column ${blank + 1} of the header row has no name.`);
      const dup = header.find((h, i) => header!.indexOf(h) !== i);
      if (dup !== undefined) throw new ImportError("csv", line, `the header names the column "${dup}" twice.`);
      checkHeader?.(header, line);
      continue;
    }
    if (fields.length !== header.length)
      throw new ImportError("csv", line, `the record has ${fields.length} ${fields.length === 1 ? "field" : "fields"} but the header has ${header.length}.`);
    const record: Record<string, string> = {};
    header.forEach((name, i) => (record[name] = fields[i]!)); // as many fields as names, checked above
    yield { line, record };
  }
}
