// The ONNX export of a checkpoint, produced on first request in a child process (never on the
// web server's event loop), written under a temporary name and renamed, then kept next to the
// checkpoint's files. Concurrent requests for one folder share one export.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { lastLine, runChild } from "../child-process";
import { ONNX_FILE } from "./artifacts";

const running = new Map<string, Promise<string>>();
const TIMEOUT_MS = 10 * 60_000;

/** True while an export of this folder is running in this process. */
export const isExporting = (dir: string) => running.has(dir);

/** Path of the folder's model.onnx, exporting it first when it is not there yet. */
export function ensureOnnx(dir: string): Promise<string> {
  const file = path.join(dir, ONNX_FILE);
  if (fs.existsSync(file)) return Promise.resolve(file);
  let p = running.get(dir);
  if (!p) {
    p = runExport(dir, file).finally(() => running.delete(dir));
    running.set(dir, p);
  }
  return p;
}

async function runExport(dir: string, file: string): Promise<string> {
  const exit = await runChild({ script: "lib/models/onnx-export-child.ts", args: [dir, file], timeoutMs: TIMEOUT_MS, what: "The ONNX export" });
  if (exit.code === 0 && fs.existsSync(file)) return file;
  throw new Error(`The ONNX export failed (${exit.signal ?? `exit ${exit.code}`})${lastLine(exit.stderr)}`);
}
