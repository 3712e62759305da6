// Runs an export's streaming half (./stream.ts) in a child process: a million rows of JSON building
// is seconds of CPU that must not run on the web server's event loop, and the child's small heap
// keeps the memory of even the largest export bounded (the web server's own heap is not touched).
import "server-only";
import { lastLine, runChild } from "../child-process";
import { AppError, type ErrorCode } from "../errors";
import type { Streamed, StreamJob, StreamPhases } from "./stream";

/**
 * The child's V8 heap limit. An export streams, so it needs little (≈130 MB RSS for a million rows),
 * but a cursor batch of very long texts (5,000 rows of 20,000-character answers, two batches in
 * flight) needs room: a tight limit would abort a legitimate export.
 */
const CHILD_HEAP_MB = 512;
/**
 * How far V8 lets the heap grow past what a full collection kept before the next one (150: to 2.5×).
 * Under a heap limit below 1 GB, V8 picks a small factor by itself, made for memory-starved devices:
 * a million-pair export then ran 71 full collections instead of 9 with the default, and its stream
 * took 8.8-11.1 s of CPU instead of 6.6-8.5 (the same hour's figures, embedded database). 150 kept
 * that speed (5.8-6.6 s, against 6.4-6.9 at 300) at a peak of 160-169 MB RSS, against 182-215 at 300
 * and 143-156 at 50-100 (which cost 6.7-7.7 s).
 */
const CHILD_HEAP_GROWING_PERCENT = 150;

/** The child's script (./stream-child.ts), from the app's root. */
const CHILD_SCRIPT = "lib/exports/stream-child.ts";

export type ChildAnswer = { ok: true; streamed: Streamed; maxRssMb: number } | { ok: false; error: { code?: ErrorCode; message: string }; maxRssMb: number };

/** What the child reports besides its result: its peak resident memory, and where its time went (when it succeeded). */
export type ChildStats = { maxRssMb: number; phases?: StreamPhases };

export async function streamInChild(job: StreamJob, onStats?: (s: ChildStats) => void): Promise<Streamed> {
  let answered: ChildAnswer | undefined;
  const exit = await runChild({
    script: CHILD_SCRIPT,
    bundled: true, // tsx's compile of its modules was 1-3.5 s of a 15 s export of a million pairs
    node: ["--conditions=react-server", `--max-old-space-size=${CHILD_HEAP_MB}`, `--heap-growing-percent=${CHILD_HEAP_GROWING_PERCENT}`],
    job,
    onMessage: (m) => {
      if (answered) return;
      answered = m as ChildAnswer;
      onStats?.({ maxRssMb: answered.maxRssMb, phases: answered.ok ? answered.streamed.phases : undefined });
    },
    stdout: "inherit",
    what: "The export's worker process",
  });
  if (answered?.ok) return answered.streamed;
  if (answered) {
    const { code: errorCode, message } = answered.error;
    throw errorCode ? new AppError(errorCode, message) : new Error(message);
  }
  throw new Error(`The export's worker process stopped (${exit.signal ?? `exit ${exit.code}`})${lastLine(exit.stderr)}`);
}
