// One JSONL file per split, written under a temporary name through a fixed buffer while a sha256 of
// the bytes is kept; `finish` renames each file into place and reports name, sha256, bytes, rows.
import { createHash, type Hash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Split } from "./split";

export type ExportFile = { name: string; sha256: string; bytes: number; rows?: number };

const BUFFER_BYTES = 256 << 10; // per split; lines are copied straight into it, so no line outlives its row
const NEWLINE = Buffer.from("\n");

type Open = { split: Split; fh: fs.FileHandle; hash: Hash; buf: Buffer; used: number; bytes: number; rows: number };

export class SplitFiles {
  private constructor(
    private readonly dir: string,
    private readonly open: Map<Split, Open>,
  ) {}

  static async create(dir: string, splits: Split[]): Promise<SplitFiles> {
    const open = new Map<Split, Open>();
    for (const split of splits) {
      const fh = await fs.open(path.join(dir, `${split}.jsonl.tmp`), "w");
      open.set(split, { split, fh, hash: createHash("sha256"), buf: Buffer.allocUnsafe(BUFFER_BYTES), used: 0, bytes: 0, rows: 0 });
    }
    return new SplitFiles(dir, open);
  }

  /**
   * Adds one line, given as UTF-8 parts of `bytes` bytes in all (json-line.ts; without its newline);
   * returns a promise only when the buffer must be written first.
   */
  add(split: Split, parts: readonly Buffer[], bytes: number): Promise<void> | undefined {
    const f = this.open.get(split)!;
    f.rows++;
    if (f.used + bytes + 1 <= BUFFER_BYTES) {
      copyParts(f, parts);
      return undefined;
    }
    return this.addSlow(f, parts, bytes);
  }

  private async addSlow(f: Open, parts: readonly Buffer[], bytes: number) {
    await this.flush(f);
    if (bytes + 1 <= BUFFER_BYTES) {
      copyParts(f, parts);
    } else await this.writeOut(f, Buffer.concat([...parts, NEWLINE])); // a line larger than the buffer
  }

  private async flush(f: Open) {
    if (f.used === 0) return;
    const chunk = f.buf.subarray(0, f.used);
    f.used = 0;
    await this.writeOut(f, chunk);
  }

  private async writeOut(f: Open, chunk: Buffer) {
    f.hash.update(chunk);
    f.bytes += chunk.length;
    let off = 0;
    while (off < chunk.length) off += (await f.fh.write(chunk, off, chunk.length - off)).bytesWritten;
  }

  /** Writes what is left, closes and renames every file. */
  async finish(): Promise<(ExportFile & { split: Split; rows: number })[]> {
    const out: (ExportFile & { split: Split; rows: number })[] = [];
    for (const f of this.open.values()) {
      await this.flush(f);
      await f.fh.close();
      const name = `${f.split}.jsonl`;
      await fs.rename(path.join(this.dir, `${name}.tmp`), path.join(this.dir, name));
      out.push({ split: f.split, name, sha256: f.hash.digest("hex"), bytes: f.bytes, rows: f.rows });
    }
    return out;
  }

  /** Closes the files after a failure (the caller removes the folder). */
  async abort() {
    for (const f of this.open.values()) await f.fh.close().catch(() => {});
  }
}

/** The line's parts and its newline into the buffer (TypedArray set: Buffer#copy's call into C++ cost more than the copy for parts this small). */
function copyParts(f: Open, parts: readonly Buffer[]) {
  for (const part of parts) {
    f.buf.set(part, f.used);
    f.used += part.length;
  }
  f.buf[f.used++] = 0x0a;
}

/** Writes a small text file under a temporary name, renames it, and returns its entry. */
export async function writeSmallFile(dir: string, name: string, text: string): Promise<ExportFile> {
  const buf = Buffer.from(text, "utf8");
  await fs.writeFile(path.join(dir, `${name}.tmp`), buf);
  await fs.rename(path.join(dir, `${name}.tmp`), path.join(dir, name));
  return { name, sha256: createHash("sha256").update(buf).digest("hex"), bytes: buf.length };
}
