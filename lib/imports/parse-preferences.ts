// Streams a preference file (JSONL, JSON array, CSV or Parquet) into normalized rankings, one record
// at a time, throwing an ImportError at the first bad record. The file's layout is the one asked
// for, else the one its first record (a Parquet file: its columns) says.
import fs from "node:fs";
import { readCsvRecords } from "./csv";
import { ImportError } from "./errors";
import type { ImportFormat } from "./format";
import { readJsonArray } from "./json-array";
import { DEFAULT_MAX_LINE_BYTES, readLines } from "./lines";
import { parquetColumns, readParquetRows } from "./parquet-rows";
import { columnsSentence, detectPreferenceLayout, normalizePreferenceRecord, type NormalizedPreference, type PreferenceLayout } from "./preference-records";

export type PreferenceFileOptions = { format: ImportFormat | "parquet"; layout?: PreferenceLayout; maxLineBytes?: number };

/** CSV cells are text: a margin cell is read as a number, JSON cells (message lists) as JSON. */
function csvValue(record: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v.trim() === "") continue;
    if (k === "margin") out[k] = Number(v);
    else if (/^\s*[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
      } catch {
        out[k] = v;
      }
    } else out[k] = v;
  }
  return out;
}

async function* rawRecords(path: string, o: PreferenceFileOptions): AsyncGenerator<{ line: number; value: unknown; unit: "Line" | "Row" }> {
  const max = o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (o.format === "parquet") {
    const { names } = await parquetColumns(path);
    const seen = detectPreferenceLayout(names);
    if (!seen || (o.layout && seen !== o.layout)) throw new ImportError("invalid", 0, columnsSentence(names, o.layout));
    for await (const r of readParquetRows(path, max)) yield { ...r, unit: "Row" };
    return;
  }
  const source = fs.createReadStream(path);
  if (o.format === "csv") {
    for await (const { line, record } of readCsvRecords(source, max)) yield { line, value: csvValue(record), unit: "Line" };
    return;
  }
  if (o.format === "json") {
    for await (const e of readJsonArray(source, max)) yield { ...e, unit: "Line" };
    return;
  }
  for await (const { line, text } of readLines(source, max)) {
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ImportError("json", line, "the line is not valid JSON.");
    }
    yield { line, value, unit: "Line" };
  }
}

/** Yields `{ line, record }` for every record; the layout used is in `layout` once the first record is read. */
export async function* parsePreferenceFile(
  path: string,
  o: PreferenceFileOptions,
  seen: { layout?: PreferenceLayout } = {},
): AsyncGenerator<{ line: number; record: NormalizedPreference }> {
  let count = 0;
  for await (const { line, value, unit } of rawRecords(path, o)) {
    try {
      if (!seen.layout) {
        seen.layout = o.layout ?? (value && typeof value === "object" ? detectPreferenceLayout(Object.keys(value)) : undefined);
        if (!seen.layout) seen.layout = "trl"; // normalizePreferenceRecord then names what is wrong with the record
      }
      const record = normalizePreferenceRecord(value, line, seen.layout);
      count++;
      yield { line, record };
    } catch (e) {
      if (e instanceof ImportError && unit === "Row" && e.unit !== "Row") throw new ImportError(e.reason, e.line, e.detail, "Row");
      throw e;
    }
  }
  if (count === 0) throw new ImportError("empty_file", 0, "The file holds no records.");
}
