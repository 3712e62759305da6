// Which parser an upload needs, from its file name. No Node imports: the upload form uses it too.
import { ImportError } from "./errors";

export const IMPORT_FORMATS = ["jsonl", "json", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** "jsonl" for .jsonl/.ndjson, "json" (one array of records) for .json, "csv" for .csv (case-insensitive); anything else throws an ImportError. */
export function detectFormat(filename: string): ImportFormat {
  const name = filename.trim().toLowerCase();
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
  if (name.endsWith(".json")) return "json";
  if (name.endsWith(".csv")) return "csv";
  throw new ImportError("format", 0, `Upload a .jsonl, .json or .csv file; "${filename}" is none of them.`);
}
