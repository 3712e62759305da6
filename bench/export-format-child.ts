// Child of bench/export.ts: re-writes one exported JSONL file in one format (JSONL through the
// export's SplitFiles, or Parquet through its ParquetSplitFiles), so each format's speed and peak
// memory are measured alone, on the same rows. Prints one JSON line: { rows, write_s, max_rss_mb }.
// Usage: tsx bench/export-format-child.ts FORMAT(jsonl|parquet) INPUT.jsonl OUTDIR
import fs from "node:fs";
import readline from "node:readline";
import { layoutOf } from "../lib/exports/layouts";
import { ParquetSplitFiles } from "../lib/exports/parquet-files";
import { parquetConverters, parquetSchema } from "../lib/exports/parquet-schema";
import { SplitFiles } from "../lib/exports/split-files";

const [format, input, out] = process.argv.slice(2);
const { fields } = layoutOf("rm", "standard", { margin: false, ties: false });
fs.mkdirSync(out, { recursive: true });
const jsonl = format === "jsonl" ? await SplitFiles.create(out, ["train"]) : undefined;
const parquet =
  format === "parquet"
    ? await ParquetSplitFiles.create(out, ["train"], { schema: parquetSchema(fields), names: fields.map((f) => f.name), convert: parquetConverters(fields) })
    : undefined;
let rows = 0;
let writeMs = 0;
for await (const text of readline.createInterface({ input: fs.createReadStream(input), crlfDelay: Infinity })) {
  const row = JSON.parse(text) as Record<string, unknown>;
  const t = performance.now();
  // What the export does per row for this format: JSON.stringify + buffer for JSONL; the same line's length as the row-group size estimate for Parquet.
  if (jsonl) {
    const p = jsonl.add("train", JSON.stringify(row));
    if (p) await p;
  } else {
    const p = parquet!.add("train", row, text.length);
    if (p) await p;
  }
  writeMs += performance.now() - t;
  rows++;
}
const t = performance.now();
const files = jsonl ? await jsonl.finish() : await parquet!.finish();
writeMs += performance.now() - t;
const bytes = files.reduce((n, f) => n + f.bytes, 0);
console.log(JSON.stringify({ rows, write_s: writeMs / 1000, bytes, max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
