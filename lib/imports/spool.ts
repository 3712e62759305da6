// An upload spooled to a private temporary file, so that it can be read twice (validated in full
// before anything is written, then imported in one transaction) without holding it in memory.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { chunksOf, type ChunkSource } from "./lines";

/** Writes `source` to a new file only this user can read, runs `fn` on its path, and removes it whatever happens. */
export async function withSpooledFile<T>(source: ChunkSource, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-import-"));
  const file = path.join(dir, "upload");
  // opened here, not by the stream: a stream opens its file later, and a source failing before that
  // open landed would run the cleanup first and leave the file (or the folder) behind
  const out = fs.createWriteStream(file, { fd: fs.openSync(file, "wx", 0o600) });
  try {
    await pipeline(chunksOf(source), out);
    return await fn(file);
  } finally {
    out.destroy(); // closes the file if the pipeline never took it
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
