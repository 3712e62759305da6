// Runs an export's streaming half (./stream.ts) in a child process: a million rows of JSON building
// is seconds of CPU that must not run on the web server's event loop, and the child's small heap
// keeps the memory of even the largest export bounded (the web server's own heap is not touched).
import "server-only";
import { spawn } from "node:child_process";
import { childEnv } from "../child-env";
import path from "node:path";
import { AppError, type ErrorCode } from "../errors";
import type { Streamed, StreamJob } from "./stream";

/**
 * The child's V8 heap limit. An export streams, so it needs little (≈130 MB RSS for a million rows),
 * but a cursor batch of very long texts (5,000 rows of 20,000-character answers, two batches in
 * flight) needs room: a tight limit would abort a legitimate export.
 */
const CHILD_HEAP_MB = 512;

/** The child's script; the app runs from the repository root (npm start, tests), as for lib/models/onnx.ts. */
const childScript = () => path.join(process.cwd(), "lib", "exports", "stream-child.ts");

export type ChildAnswer =
  | { ok: true; streamed: Streamed; maxRssMb: number }
  | { ok: false; error: { code?: ErrorCode; message: string }; maxRssMb: number };

/** What the child reports besides its result: its peak resident memory. */
export type ChildStats = { maxRssMb: number };

export function streamInChild(job: StreamJob, onStats?: (s: ChildStats) => void): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    // spawn with an "ipc" channel rather than fork(): the bundler leaves a plain spawn alone.
    const args = ["--import", "tsx", "--conditions=react-server", `--max-old-space-size=${CHILD_HEAP_MB}`, childScript()];
    const child = spawn(process.execPath, args, {
      cwd: process.cwd(),
      env: childEnv(), // an allow-list: no NEXTAUTH_SECRET (lib/child-env.ts)
      serialization: "advanced", // the filters carry Dates
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    let answered: ChildAnswer | undefined;
    child.once("message", (a: ChildAnswer) => {
      answered = a;
      onStats?.({ maxRssMb: a.maxRssMb });
    });
    child.on("error", (e) => reject(new Error(`The export could not start its worker process: ${e.message}`)));
    child.on("exit", (code, signal) => {
      if (answered?.ok) return resolve(answered.streamed);
      if (answered) {
        const { code: errorCode, message } = answered.error;
        return reject(errorCode ? new AppError(errorCode, message) : new Error(message));
      }
      const last = stderr.trim().split("\n").at(-1) ?? "";
      reject(new Error(`The export's worker process stopped (${signal ?? `exit ${code}`})${last ? `: ${last}` : ""}`));
    });
    child.send(job);
  });
}
