// Child of bench/export.ts: re-writes one exported JSONL file in one format (JSONL through the
// export's SplitFiles, or Parquet through its ParquetSplitFiles), so each format's speed and peak
// memory are measured alone, on the same rows. Prints one JSON line: { rows, write_s, max_rss_mb }.
// Usage: tsx bench/export-format-child.ts FORMAT(jsonl|parquet) INPUT.jsonl OUTDIR
import fs from "node:fs";
import readline from "node:readline";
import { JsonLine } from "../lib/exports/json-line";
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
const json = new JsonLine();
const parts: Buffer[] = [];
let prompt: unknown;
// In the export, a prompt's texts are parsed once and each row holds the same string objects; rows
// parsed line by line hold copies, so they are made the same objects again here, before the clock.
const seen = new Map<unknown, unknown>();
const same = (v: unknown) => {
  const s = seen.get(v);
  if (s !== undefined) return s;
  seen.set(v, v);
  return v;
};
for await (const text of readline.createInterface({ input: fs.createReadStream(input), crlfDelay: Infinity })) {
  const row = JSON.parse(text) as Record<string, unknown>;
  if (row.prompt !== prompt) seen.clear();
  for (const k of ["prompt", "chosen", "rejected"]) row[k] = same(row[k]);
  const t = performance.now();
  // What the export does per row for this format: the line's parts (its texts encoded once per prompt) into the buffer for JSONL; the line's length as the row-group size estimate for Parquet.
  if (jsonl) {
    if (row.prompt !== prompt) json.reset();
    const p = jsonl.add("train", parts, json.parts(row, parts));
    if (p) await p;
  } else {
    const p = parquet!.add("train", row, text.length);
    if (p) await p;
  }
  writeMs += performance.now() - t;
  prompt = row.prompt;
  rows++;
}
const t = performance.now();
const files = jsonl ? await jsonl.finish() : await parquet!.finish();
writeMs += performance.now() - t;
const bytes = files.reduce((n, f) => n + f.bytes, 0);
console.log(JSON.stringify({ rows, write_s: writeMs / 1000, bytes, max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
