// Runs one Hub push in a child process (./push-child.ts): hashing and uploading a checkpoint of
// hundreds of MB must not run on the web server's event loop. The job, token included, goes over
// the IPC channel; progress and the result come back the same way.
import "server-only";
import { lastLine, runChild } from "../child-process";
import { AppError, type ErrorCode } from "../errors";
import type { HubFile, HubPushProgress, HubPushResult, HubRepoType } from "./push-folder";

/** What the child needs: everything pushFolder takes but callbacks. */
export type PushJob = { repo: string; type: HubRepoType; files: HubFile[]; token: string; title: string; hubUrl: string; private: boolean };

export type PushAnswer = { ok: true; result: HubPushResult } | { ok: false; error: { code?: ErrorCode; message: string } };
type ChildMessage = PushAnswer | { progress: HubPushProgress };

/** The child's script, from the app's root. */
const CHILD_SCRIPT = "lib/hub/push-child.ts";

/** A push that has not ended after this long is stopped (a stalled connection must not hold a child for ever). */
const PUSH_TIMEOUT_MS = 6 * 3600_000;

export async function pushInChild(job: PushJob, onProgress: (p: HubPushProgress) => void): Promise<HubPushResult> {
  let answered: PushAnswer | undefined;
  const exit = await runChild({
    script: CHILD_SCRIPT,
    node: ["--conditions=react-server"],
    job,
    onMessage: (m) => {
      const msg = m as ChildMessage;
      if ("progress" in msg) onProgress(msg.progress);
      else answered ??= msg;
    },
    timeoutMs: PUSH_TIMEOUT_MS,
    what: "The Hub push's worker process",
  });
  if (answered?.ok) return answered.result;
  if (answered) {
    const { code, message } = answered.error;
    throw code ? new AppError(code, message) : new Error(message);
  }
  const how = exit.signal === "SIGKILL" ? "was stopped after 6 hours" : `stopped (${exit.signal ?? `exit ${exit.code}`})`;
  throw new AppError("unavailable", `The Hub push's worker process ${how}${lastLine(exit.stderr).split(job.token).join("[redacted]")}.`);
}
