// Exports are bounded: at most EXPORT_CONCURRENCY (default 2) snapshots are made at once by this
// process (each is a child process streaming from the database); one more is refused with a 429
// sentence rather than queued behind them. And the hidden ".<id>.partial" folders that a crash
// (a killed web server, a full disk) leaves behind are swept: at start-up and then periodically,
// once nothing has been written in them for an hour.
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import { exportsRoot } from "./store";
import { envVar } from "../env";

const PARTIAL = /^\.([0-9a-f-]{36})\.partial$/;
/** Export ids this process is writing now: their folders are never swept. */
const inProgress = new Set<string>();

const exportConcurrency = () => envVar("EXPORT_CONCURRENCY");

/** Takes a slot for export `id`; returns its release. Throws a 429 AppError when all slots are taken. */
export function takeExportSlot(id: string): () => void {
  const limit = exportConcurrency();
  if (inProgress.size >= limit)
    throw new AppError(
      "throttled",
      `${limit === 1 ? "An export is" : `${limit} exports are`} being made already; try again when ${limit === 1 ? "it has" : "one has"} finished.`,
    );
  inProgress.add(id);
  return () => void inProgress.delete(id);
}

/** The newest modification time of a folder and the files directly in it. */
async function lastWritten(dir: string): Promise<number> {
  let newest = (await fs.stat(dir)).mtimeMs;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const st = await fs.stat(path.join(dir, name)).catch(() => null);
    if (st) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/** Removes ".<id>.partial" folders not written to for `staleMs` (default 1 h); returns their names. */
export async function sweepPartialExports(staleMs = 60 * 60_000, now = Date.now()): Promise<string[]> {
  const root = exportsRoot();
  const names = await fs.readdir(root).catch(() => [] as string[]);
  const swept: string[] = [];
  for (const name of names) {
    const id = PARTIAL.exec(name)?.[1];
    if (id === undefined || inProgress.has(id)) continue;
    const dir = path.join(root, name);
    const written = await lastWritten(dir).catch(() => now);
    if (now - written < staleMs) continue;
    await fs.rm(dir, { recursive: true, force: true });
    swept.push(name);
  }
  return swept;
}

let lastSweep = 0;
/** Sweeps at most once per `everyMs` (default 10 min): called as exports start. */
export async function sweepNowAndThen(everyMs = 10 * 60_000): Promise<void> {
  if (Date.now() - lastSweep < everyMs) return;
  lastSweep = Date.now();
  await sweepPartialExports().catch(() => []);
}
