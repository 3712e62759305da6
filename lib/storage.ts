// Where the app keeps files: export snapshots and model checkpoints. One root, from STORAGE_DIR
// (default .data/storage next to the embedded database). Files are written under a temporary
// name and renamed when complete, so a reader never sees half a file.
import fs from "node:fs";
import path from "node:path";
import { envVar } from "./env";

export function storageRoot(): string {
  return path.resolve(/*turbopackIgnore: true*/ envVar("STORAGE_DIR") ?? path.join(envVar("DATA_DIR"), "storage"));
}

/** A folder under the storage root, created if missing. */
export function storageDir(...parts: string[]): string {
  const dir = path.join(storageRoot(), ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
