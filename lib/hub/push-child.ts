// Child-process entry for one Hub push (./push-folder.ts), started by ./push-process.ts with an IPC
// channel: it receives one job (the token travels in it, over the pipe: never on the command line or
// in the environment, where `ps` would show it), sends { progress } as it hashes and uploads, then
// answers { ok, result } or { ok: false, error } and exits. When the parent goes away, so does it.
import { AppError } from "../errors";
import { pushFolder } from "./push-folder";
import type { PushAnswer, PushJob } from "./push-process";

function answer(a: PushAnswer, code: number) {
  process.send!(a, () => process.exit(code));
}

process.once("message", (job: PushJob) => {
  pushFolder({ ...job, onProgress: (progress) => process.send!({ progress }) }).then(
    (result) => answer({ ok: true, result }, 0),
    (e: unknown) => answer({ ok: false, error: { code: e instanceof AppError ? e.code : undefined, message: e instanceof Error ? e.message : String(e) } }, 1),
  );
});
process.on("disconnect", () => process.exit(1));
