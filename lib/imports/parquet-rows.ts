// Streams the rows of a Parquet file one row group at a time (hyparquet), as plain JSON values
// (int64 → number), so an import reads a large file with the memory of one row group. The file
// must be on disk: Parquet is read from its end (the footer) first.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type FileMetaData } from "hyparquet";
import { ImportError } from "./errors";

export type ParquetRow = { /** 1-based row number in the file. */ line: number; value: Record<string, unknown> };

const plain = (v: unknown): unknown =>
  typeof v === "bigint"
    ? Number(v)
    : Array.isArray(v)
      ? v.map(plain)
      : v && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
        : v;

/** The file's top-level column names; throws one sentence when it is not a Parquet file. */
export async function parquetColumns(path: string): Promise<{ names: string[]; metadata: FileMetaData; rows: number }> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
  } catch {
    throw new ImportError("format", 0, "the file is not a Parquet file (its footer cannot be read).");
  }
  // The schema is flattened depth first: the root's children are the top-level columns.
  const names: string[] = [];
  const s = metadata.schema;
  const element = (j: number) => {
    const e = s[j];
    if (e === undefined) throw new Error("The Parquet schema ends before all the children it declares.");
    return e;
  };
  let i = 1;
  const skip = (at: number): number => {
    let next = at + 1;
    for (let c = 0; c < (element(at).num_children ?? 0); c++) next = skip(next);
    return next;
  };
  for (let c = 0; c < (element(0).num_children ?? 0); c++) {
    names.push(element(i).name);
    i = skip(i);
  }
  return { names, metadata, rows: Number(metadata.num_rows) };
}

/**
 * Yields every row, a row group at a time. A row whose JSON is longer than maxRowChars throws an
 * ImportError naming it, like a JSONL line over the limit.
 */
export async function* readParquetRows(path: string, maxRowChars: number): AsyncGenerator<ParquetRow> {
  const { metadata } = await parquetColumns(path);
  const file = await asyncBufferFromFile(path);
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end });
    } catch (e) {
      throw new ImportError("format", 0, `rows ${start + 1} to ${end} of the Parquet file cannot be read (${(e as Error).message.slice(0, 100)}).`);
    }
    for (const [i, row] of rows.entries()) {
      const value = plain(row) as Record<string, unknown>;
      if (JSON.stringify(value).length > maxRowChars)
        throw new ImportError("too_long", start + i + 1, `the row is longer than the limit of ${maxRowChars} bytes.`, "Row");
      yield { line: start + i + 1, value };
    }
    start = end;
  }
}
