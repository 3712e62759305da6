// Which parser an upload needs, from its file name. No Node imports: the upload form uses it too.
import { ImportError } from "./errors";

export type ImportFormat = "jsonl" | "csv";

/** "jsonl" for .jsonl/.ndjson, "csv" for .csv (case-insensitive); anything else throws an ImportError. */
export function detectFormat(filename: string): ImportFormat {
  const name = filename.trim().toLowerCase();
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
  if (name.endsWith(".csv")) return "csv";
  throw new ImportError("format", 0, `Upload a .jsonl or .csv file; "${filename}" is neither.`);
}
