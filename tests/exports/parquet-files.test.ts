// The Parquet writer's fast paths (no database): flat string columns handed to hyparquet-writer as
// strings (dictionary) or as UTF-8 views with PLAIN encoding, native Snappy, and a sink that writes
// out its fixed buffer as it fills. Every file is read back with hyparquet, an independent reader.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { layoutOf } from "../../lib/exports/layouts";
import { ParquetSplitFiles } from "../../lib/exports/parquet-files";
import { parquetConverters, parquetSchema } from "../../lib/exports/parquet-schema";
import { nativeSnappy } from "../../lib/exports/parquet-snappy";
import { mostlyDistinct, stringColumn, utf8Views } from "../../lib/exports/parquet-strings";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "parquet-files-"));
const sha256 = (p: string) => crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");

type Field = { name: string; type: string; optional?: true };
async function writeRows(fields: Field[], rows: Record<string, unknown>[], o: { rowGroupRows?: number } = {}) {
  const dir = tmp();
  const files = await ParquetSplitFiles.create(
    dir,
    ["train"],
    { schema: parquetSchema(fields), names: fields.map((f) => f.name), convert: parquetConverters(fields) },
    o,
  );
  for (const row of rows) await files.add("train", row, JSON.stringify(row).length);
  const [file] = await files.finish();
  const p = path.join(dir, file.name);
  const buf = await asyncBufferFromFile(p);
  return { file, path: p, meta: await parquetMetadataAsync(buf), read: await parquetReadObjects({ file: buf }) };
}

/** Texts no two alike, with 2-, 3- and 4-byte UTF-8 characters. */
const distinct = (i: number) => `answer ${i}: ${"é ü 中文 🙂 ".repeat(1 + (i % 5))}${crypto.createHash("sha256").update(String(i)).digest("hex")}`;

describe("flat string columns", () => {
  it("sees a column of distinct texts as mostly distinct, and one of a few repeated prompts as not", () => {
    expect(mostlyDistinct(Array.from({ length: 5000 }, (_, i) => distinct(i)))).toBe(true);
    expect(mostlyDistinct(Array.from({ length: 5000 }, (_, i) => `prompt ${Math.floor(i / 20)}`))).toBe(false);
    expect(mostlyDistinct([])).toBe(false);
    expect(mostlyDistinct([null, null])).toBe(false);
  });

  it("encodes every value to the same UTF-8 bytes as TextEncoder, a lone surrogate as U+FFFD, nulls kept", () => {
    const values = ["plain", "é中🙂", "lone \ud800 surrogate", "", null, "x".repeat(70_000)];
    const views = utf8Views(values);
    const enc = new TextEncoder();
    values.forEach((v, i) => (v === null ? expect(views[i]).toBeNull() : expect(Buffer.from(views[i]!).equals(Buffer.from(enc.encode(v)))).toBe(true)));
    // one buffer under all of them
    expect(new Set(views.filter((v) => v !== null).map((v) => v!.buffer)).size).toBe(1);
  });

  it("leaves a column holding anything but strings and nulls to the writer", () => {
    const odd = ["a", 3, "b"];
    expect(stringColumn(odd)).toEqual({ data: odd });
  });
});

describe("ParquetSplitFiles", () => {
  const pairFields = layoutOf("rm", "standard", { margin: true, ties: true }).fields;

  it("writes a repeated prompt with a dictionary and distinct answers PLAIN, Snappy-compressed, and reads back the same rows", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      prompt: `Prompt ${Math.floor(i / 10)}: say something ✓`,
      chosen: distinct(i),
      rejected: distinct(i + 100_000),
      margin: i % 3,
      tie: i % 7 === 0,
    }));
    const { meta, read, file, path: p } = await writeRows(pairFields, rows);
    expect(read).toEqual(rows);
    expect(file.rows).toBe(3000);
    expect(sha256(p)).toBe(file.sha256);
    expect(fs.statSync(p).size).toBe(file.bytes);
    const chunk = (name: string) => meta.row_groups[0].columns.find((c) => c.meta_data!.path_in_schema[0] === name)!.meta_data!;
    expect(chunk("prompt").encodings).toContain("RLE_DICTIONARY");
    expect(chunk("chosen").encodings).toEqual(["PLAIN"]);
    expect(chunk("rejected").encodings).toEqual(["PLAIN"]);
    for (const c of meta.row_groups[0].columns) expect(c.meta_data!.codec).toBe("SNAPPY");
  });

  it("keeps the nulls of optional string columns and the lists of the rankings layout", async () => {
    const fields = layoutOf("rankings", "standard", { margin: false, ties: false }).fields;
    const rows = Array.from({ length: 1200 }, (_, i) => ({
      prompt: distinct(i),
      responses: [distinct(i * 2), distinct(i * 2 + 1)],
      ranking: "A > B",
      tiers: [[0], [1]],
      likert: [i % 7, null],
      flags: [[], ["harmful_advice"]],
      labeler: `labeler-${i % 4}`,
      time_spent_ms: 1000 + i,
      ...(i % 2 ? { rationale: distinct(i + 7) } : {}),
      ...(i % 3 === 0 ? { strength: "better", margin: 2 } : {}),
    }));
    const { read } = await writeRows(fields, rows, { rowGroupRows: 500 });
    const asJson = read.map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== null)
          .map(([k, v]) => [k, JSON.parse(JSON.stringify(v, (_, x: unknown) => (typeof x === "bigint" ? Number(x) : x)))]),
      ),
    );
    expect(asJson).toEqual(rows);
  });

  it("writes a row group larger than its buffer in pieces, and the file still reads back whole", async () => {
    // about 4 MB of distinct text in one row group: the 1 MB sink buffer is written out several times within it
    const long = (i: number) => Array.from({ length: 6 }, (_, k) => distinct(i * 6 + k)).join(" ");
    const rows = Array.from({ length: 2000 }, (_, i) => ({ prompt: "p", chosen: long(i), rejected: long(i + 500_000), margin: 1, tie: false }));
    const { meta, read, file, path: p } = await writeRows(pairFields, rows);
    expect(meta.row_groups.length).toBe(1);
    expect(file.bytes).toBeGreaterThan(3 << 19); // 1.5 MB compressed
    expect(read).toEqual(rows);
    expect(sha256(p)).toBe(file.sha256);
  });

  it("closes its files on abort, and a second abort is harmless", async () => {
    const dir = tmp();
    const files = await ParquetSplitFiles.create(dir, ["train", "validation"], {
      schema: parquetSchema(pairFields),
      names: pairFields.map((f) => f.name),
      convert: parquetConverters(pairFields),
    });
    await files.add("train", { prompt: "p", chosen: "c", rejected: "r", margin: 1, tie: false }, 10);
    await files.abort();
    await files.abort();
    expect(fs.readdirSync(path.join(dir, "data")).sort()).toEqual([".train-0.parquet.tmp", ".validation-0.parquet.tmp"]);
  });
});

describe("native Snappy", () => {
  it("loads on this platform (the snappy package ships its binary)", () => {
    expect(nativeSnappy).toBe(true);
  });
});
