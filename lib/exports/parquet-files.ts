// Parquet files per split, beside the JSONL ones: rows are gathered into column arrays and written as
// one row group at a time (at most ROW_GROUP_ROWS rows or about ROW_GROUP_BYTES of text), so memory
// stays flat however large the export. A split whose file passes shardBytes continues in a new shard;
// at the end each shard is renamed to the Hugging Face layout, data/{split}-0000i-of-0000N.parquet,
// with its sha256 kept while writing. Flat string columns go to the writer as parquet-strings.ts
// shapes them, and pages are compressed with native Snappy (parquet-snappy.ts).
import { createHash, type Hash } from "node:crypto";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from "hyparquet-writer";
import { snappyCompressors } from "./parquet-snappy";
import { stringColumn } from "./parquet-strings";
import type { Split } from "./split";
import type { ExportFile } from "./split-files";

const ROW_GROUP_ROWS = 10_000;
const ROW_GROUP_BYTES = 32 << 20;
/** A new shard once a file holds this many bytes (the Hub's viewer and loaders like files of a few hundred MB). */
const SHARD_BYTES = 512 << 20;
/** The sink's buffer: written out whenever it fills, so a row group never sits whole in memory twice. */
const SINK_BYTES = 1 << 20;

/**
 * A hyparquet-writer Writer that writes to a file whenever its fixed buffer fills (and at each row
 * group's end) and hashes what it writes. Writes are synchronous: the export runs in a child
 * process of its own (stream-process.ts), and the writer's append calls cannot wait.
 */
class FileSink extends ByteWriter {
  readonly hash: Hash = createHash("sha256");
  private closed = false;
  constructor(private readonly fd: number) {
    super(SINK_BYTES);
  }
  override ensure(size: number): void {
    if (this.index > 0 && this.index + size > this.buffer.byteLength) this.flush();
    super.ensure(size); // grows only for one append larger than the whole buffer
  }
  flush(): void {
    const chunk = new Uint8Array(this.buffer, 0, this.index);
    this.hash.update(chunk);
    let off = 0;
    while (off < chunk.length) off += fsSync.writeSync(this.fd, chunk, off, chunk.length - off);
    this.index = 0;
  }
  override finish(): void {
    this.flush();
    this.close();
  }
  /** Closes the file (once); after a failure, without writing what is buffered. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    fsSync.closeSync(this.fd);
  }
}

/** The root's children by name: each column's own element (a group's children follow it in the flat schema). */
function topLevelElements(schema: SchemaElement[]): Map<string, SchemaElement> {
  const out = new Map<string, SchemaElement>();
  const at = (j: number): SchemaElement => {
    const e = schema[j];
    if (e === undefined) throw new Error("The Parquet schema ends before all the children it declares.");
    return e;
  };
  let i = 1;
  const skip = (): void => {
    const e = at(i++);
    for (let c = 0; c < (e.num_children ?? 0); c++) skip();
  };
  for (let c = 0; c < (at(0).num_children ?? 0); c++) {
    const e = at(i);
    out.set(e.name, e);
    skip();
  }
  return out;
}

type Shard = { tmp: string; sink: FileSink; writer: ParquetWriter; rows: number };
type Done = { tmp: string; sha256: string; bytes: number; rows: number };
type Open = { split: Split; shard: Shard; done: Done[]; columns: unknown[][]; pendingBytes: number; rows: number };

export type ParquetFile = ExportFile & { split: Split; rows: number };

export type ParquetOptions = { rowGroupRows?: number; rowGroupBytes?: number; shardBytes?: number };

export class ParquetSplitFiles {
  private readonly o: Required<ParquetOptions>;
  /** Per column: a top-level UTF8 string (not inside a list), shaped by stringColumn. */
  private readonly flatString: boolean[];
  private constructor(
    private readonly dir: string,
    private readonly schema: SchemaElement[],
    private readonly names: string[],
    private readonly convert: ((v: unknown) => unknown)[],
    private readonly open: Map<Split, Open>,
    o: ParquetOptions,
  ) {
    this.o = { rowGroupRows: ROW_GROUP_ROWS, rowGroupBytes: ROW_GROUP_BYTES, shardBytes: SHARD_BYTES, ...o };
    const top = topLevelElements(schema);
    this.flatString = names.map((n) => {
      const e = top.get(n);
      return e !== undefined && !e.num_children && e.type === "BYTE_ARRAY" && e.converted_type === "UTF8";
    });
  }

  /** `names[i]` is the row key of the column whose converter is `convert[i]` (parquet-schema.ts). */
  static async create(
    dir: string,
    splits: Split[],
    columns: { schema: SchemaElement[]; names: string[]; convert: ((v: unknown) => unknown)[] },
    o: ParquetOptions = {},
  ): Promise<ParquetSplitFiles> {
    await fs.mkdir(path.join(dir, "data"), { recursive: true });
    const files = new ParquetSplitFiles(dir, columns.schema, columns.names, columns.convert, new Map(), o);
    for (const split of splits) {
      const open: Open = { split, shard: await files.newShard(split, 0), done: [], columns: columns.names.map(() => []), pendingBytes: 0, rows: 0 };
      files.open.set(split, open);
    }
    return files;
  }

  private async newShard(split: Split, index: number): Promise<Shard> {
    const tmp = path.join(this.dir, "data", `.${split}-${index}.parquet.tmp`);
    const sink = new FileSink(fsSync.openSync(tmp, "w"));
    const writer = new ParquetWriter({
      writer: sink,
      schema: this.schema,
      statistics: false,
      compressors: snappyCompressors,
      createdBy: "RLHF Studio (hyparquet-writer)",
    });
    return { tmp, sink, writer, rows: 0 };
  }

  /** Adds one row; `size` (e.g. its JSON line's length) bounds the row group's memory. Returns a promise only when a row group is written. */
  add(split: Split, row: Record<string, unknown>, size: number): Promise<void> | undefined {
    const f = this.open.get(split)!;
    // columns and convert hold one entry per name.
    this.names.forEach((name, i) => f.columns[i]!.push(this.convert[i]!(row[name])));
    f.rows++;
    f.pendingBytes += size;
    if ((f.columns[0]?.length ?? 0) >= this.o.rowGroupRows || f.pendingBytes >= this.o.rowGroupBytes) return this.writeGroup(f);
    return undefined;
  }

  private async writeGroup(f: Open) {
    const n = f.columns[0]?.length ?? 0;
    if (n === 0) return;
    const columnData: ColumnSource[] = this.names.map((name, i) => {
      const data = f.columns[i]!; // one column per name
      return this.flatString[i] ? { name, ...stringColumn(data) } : { name, data };
    });
    await f.shard.writer.write({ columnData, rowGroupSize: n });
    f.shard.rows += n;
    f.columns = this.names.map(() => []);
    f.pendingBytes = 0;
    if (f.shard.sink.offset >= this.o.shardBytes) {
      f.done.push(await this.close(f.shard));
      f.shard = await this.newShard(f.split, f.done.length);
    }
  }

  private async close(s: Shard): Promise<Done> {
    await s.writer.finish();
    return { tmp: s.tmp, sha256: s.sink.hash.digest("hex"), bytes: s.sink.offset, rows: s.rows };
  }

  /** Writes what is left, closes every shard and renames them to data/{split}-0000i-of-0000N.parquet. */
  async finish(): Promise<ParquetFile[]> {
    const out: ParquetFile[] = [];
    for (const f of this.open.values()) {
      await this.writeGroup(f);
      if (f.shard.rows > 0 || f.done.length === 0) f.done.push(await this.close(f.shard));
      else await this.close(f.shard).then((d) => fs.rm(d.tmp));
      const n = String(f.done.length).padStart(5, "0");
      for (const [i, d] of f.done.entries()) {
        const name = `data/${f.split}-${String(i).padStart(5, "0")}-of-${n}.parquet`;
        await fs.rename(d.tmp, path.join(this.dir, name));
        out.push({ split: f.split, name, sha256: d.sha256, bytes: d.bytes, rows: d.rows });
      }
    }
    return out;
  }

  /** Closes the files after a failure (the caller removes the folder). */
  abort(): Promise<void> {
    for (const f of this.open.values()) f.shard.sink.close();
    return Promise.resolve();
  }
}
