// RFC 4180 CSV, streamed: quoted fields, "" inside quotes, line breaks inside quotes.
import { ImportError } from "./errors";
import { DEFAULT_MAX_LINE_BYTES, readLines, type ChunkSource } from "./lines";

export type CsvRow = { /** Line the record starts on (1-based). */ line: number; fields: string[] };
export type CsvRecord = { line: number; record: Record<string, string> };

/**
 * Yields CSV records as field arrays. A line break inside a quoted field is kept as "\n" (a "\r\n"
 * there becomes "\n"). Blank lines between records are skipped. A record (all its lines together)
 * longer than maxRecordBytes, an unclosed quote or a stray quote throws an ImportError naming the
 * line the record starts on.
 */
export async function* readCsvRows(source: ChunkSource, maxRecordBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<CsvRow> {
  let fields: string[] = [];
  let field = "";
  let inQuotes = false;
  let start = 0; // line the current record starts on; 0 when between records
  let bytes = 0;

  for await (const { line, text, bytes: lineBytes } of readLines(source, maxRecordBytes)) {
    if (start === 0) {
      if (text.trim() === "") continue;
      start = line;
      bytes = 0;
    } else {
      field += "\n"; // still inside a quoted field
      bytes += 1;
    }
    bytes += lineBytes;
    if (bytes > maxRecordBytes)
      throw new ImportError("too_long", start, `the record is longer than the limit of ${maxRecordBytes} bytes (is a quote left open?).`);

    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (inQuotes) {
        if (c !== '"') {
          const next = text.indexOf('"', i);
          const end = next < 0 ? text.length : next;
          field += text.slice(i, end);
          i = end;
        } else if (text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else {
          inQuotes = false;
          i++;
          if (i < text.length && text[i] !== ",")
            throw new ImportError("csv", start, `a quoted field is followed by "${text[i]}" instead of a comma.`);
        }
      } else if (c === ",") {
        fields.push(field);
        field = "";
        i++;
      } else if (c === '"') {
        if (field !== "")
          throw new ImportError("csv", start, "a quote appears inside an unquoted field; quote the whole field and double the quote.");
        inQuotes = true;
        i++;
      } else {
        const next = text.slice(i).search(/[,"]/);
        const end = next < 0 ? text.length : i + next;
        field += text.slice(i, end);
        i = end;
      }
    }
    if (!inQuotes) {
      fields.push(field);
      yield { line: start, fields };
      fields = [];
      field = "";
      start = 0;
    }
  }
  if (inQuotes) throw new ImportError("csv", start, "a quoted field is never closed.");
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
    header.forEach((name, i) => (record[name] = fields[i]));
    yield { line, record };
  }
}
