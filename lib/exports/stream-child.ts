// Child-process entry for an export's streaming half (./stream.ts), started by ./stream-process.ts
// with an IPC channel: it receives one job, answers { ok, streamed } or { ok: false, error }, each
// with its own peak RSS, and exits. When the parent goes away, so does it.
import { AppError } from "../errors";
import { streamSnapshot, type StreamJob } from "./stream";
import type { ChildAnswer } from "./stream-process";

const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function answer(a: ChildAnswer, code: number) {
  process.send!(a, () => process.exit(code));
}

process.once("message", (job: StreamJob) => {
  streamSnapshot(job).then(
    (streamed) => answer({ ok: true, streamed, maxRssMb: maxRssMb() }, 0),
    (e: unknown) =>
      answer(
        {
          ok: false,
          error: { code: e instanceof AppError ? e.code : undefined, message: e instanceof Error ? e.message : String(e) },
          maxRssMb: maxRssMb(),
        },
        1,
      ),
  );
});
process.on("disconnect", () => process.exit(1));
