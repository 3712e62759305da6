// A file that cannot be imported: the message is one sentence starting with "Line N: " (a Parquet file's: "Row N: ").
import { AppError } from "../errors";

export type ImportErrorReason =
  | "too_long" // a line or record longer than maxLineBytes
  | "encoding" // not valid UTF-8
  | "json" // a JSONL line that is not JSON
  | "csv" // a malformed CSV record or header
  | "invalid" // a record that does not match the schema
  | "empty_file" // no records at all
  | "format"; // a file name that is neither .jsonl nor .csv, or a file that is not what its name says

export class ImportError extends AppError {
  constructor(
    readonly reason: ImportErrorReason,
    /** 1-based line number of the offending line (or the line a CSV record starts on); 0 for the whole file. */
    readonly line: number,
    readonly detail: string,
    /** What `line` counts: "Line" in text files, "Row" in a Parquet file. */
    readonly unit: "Line" | "Row" = "Line",
  ) {
    super("bad_request", line > 0 ? `${unit} ${line}: ${detail}` : detail);
    this.name = "ImportError";
  }
}
