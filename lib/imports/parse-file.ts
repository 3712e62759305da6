// parseImport: stream an uploaded JSONL, JSON (one array) or CSV file into normalized records, one at a time.
// The first bad line throws an ImportError ("Line N: ..."); the caller runs the whole import in one
// transaction, so nothing of a bad file is written.
import { readCsvRecords } from "./csv";
import { ImportError } from "./errors";
import type { ImportFormat } from "./format";
import { readJsonArray } from "./json-array";
import { DEFAULT_MAX_LINE_BYTES, readLines, type ChunkSource } from "./lines";
import { csvToRecord, missingCsvColumns, normalizeAnswerSetRecord, normalizePromptRecord, type NormalizedAnswerSet, type NormalizedPrompt } from "./records";

export { detectFormat } from "./format";

export type ImportKind = "prompts" | "answers";
export type ImportRecordOf<K extends ImportKind> = K extends "prompts" ? NormalizedPrompt : NormalizedAnswerSet;

export type ImportOptions<K extends ImportKind = ImportKind> = {
  format: ImportFormat;
  kind: K;
  /** Longest line (CSV: record) accepted, in UTF-8 bytes; default 1 MiB. */
  maxLineBytes?: number;
  /** For answer sets: the exact number of answers each record must have (the project's K). */
  answersPerTask?: number;
};

async function* rawRecords(source: ChunkSource, opts: ImportOptions): AsyncGenerator<{ line: number; value: unknown }> {
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (opts.format === "csv") {
    const checkHeader = (names: string[], line: number) => {
      const missing = missingCsvColumns(names, opts.kind);
      if (missing) throw new ImportError("csv", line, missing);
    };
    for await (const { line, record } of readCsvRecords(source, max, checkHeader)) yield { line, value: csvToRecord(record, line) };
    return;
  }
  if (opts.format === "json") {
    yield* readJsonArray(source, max);
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
    yield { line, value };
  }
}

/** Yields `{ line, record }` for every record of the file, in order; throws at the first bad line. */
export async function* parseImport<K extends ImportKind>(
  source: ChunkSource,
  opts: ImportOptions<K>,
): AsyncGenerator<{ line: number; record: ImportRecordOf<K> }> {
  let count = 0;
  for await (const { line, value } of rawRecords(source, opts)) {
    const record = opts.kind === "prompts" ? normalizePromptRecord(value, line) : normalizeAnswerSetRecord(value, line, opts.answersPerTask);
    count++;
    yield { line, record: record as ImportRecordOf<K> };
  }
  if (count === 0) throw new ImportError("empty_file", 0, "The file holds no records.");
}
