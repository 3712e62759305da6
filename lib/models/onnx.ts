// The ONNX export of a checkpoint, produced on first request in a child process (never on the
// web server's event loop), written under a temporary name and renamed, then kept next to the
// checkpoint's files. Concurrent requests for one folder share one export.
import "server-only";
import { spawn } from "node:child_process";
import { childEnv } from "../child-env";
import fs from "node:fs";
import path from "node:path";
import { ONNX_FILE } from "./artifacts";

const running = new Map<string, Promise<string>>();
const TIMEOUT_MS = 10 * 60_000;

/** The child's script; the app runs from the repository root (npm start, tests). */
const childScript = () => path.join(process.cwd(), "lib", "models", "onnx-export-child.ts");

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

function runExport(dir: string, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", childScript(), dir, file], {
      cwd: process.cwd(),
      stdio: ["ignore", "ignore", "pipe"],
      env: childEnv(), // an allow-list: no NEXTAUTH_SECRET (lib/child-env.ts)
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`The ONNX export could not start: ${e.message}`));
    });
    child.on("exit", (code, sig) => {
      clearTimeout(timer);
      if (code === 0 && fs.existsSync(file)) resolve(file);
      else reject(new Error(`The ONNX export failed (${sig ?? `exit ${code}`}): ${stderr.trim().split("\n").at(-1) ?? ""}`));
    });
  });
}
