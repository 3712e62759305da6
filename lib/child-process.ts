// Heavy work the web server hands to a child process of its own (an export's streaming half, the
// ONNX export of a checkpoint), so its seconds of CPU and its memory never touch the server's event
// loop or heap. One way to start one: the same Node with tsx (or, for a child whose start counts,
// on its plain-JavaScript bundle: ./child-bundle.mjs), the app's root as its folder, the
// child environment's allow-list (./child-env.ts: no server secret), the last lines of its stderr
// kept for the error message, an optional time limit, and an optional IPC channel for a job and
// its answer.
import "server-only";
import { spawn } from "node:child_process";
import path from "node:path";
import { nodeEntry } from "./child-bundle.mjs";
import { childEnv } from "./child-env";

type ChildOptions = {
  /** The child's script, relative to the app's root (the app runs from the repository root: npm start, tests). */
  script: string;
  args?: string[];
  /** Run as plain JavaScript, bundled (./child-bundle.mjs), rather than through tsx: for a child whose start counts. */
  bundled?: boolean;
  /** Node flags before the script, e.g. a heap limit or export conditions. */
  node?: string[];
  /** With a job: sent over an IPC channel ("advanced" serialization, so Dates travel); the child's messages come to onMessage. */
  job?: unknown;
  onMessage?: (m: unknown) => void;
  /** The child's stdout: the server's log, or nowhere. */
  stdout?: "inherit" | "ignore";
  /** Killed (SIGKILL) after this long. */
  timeoutMs?: number;
  /** Says what failed to start: "<what> could not start: <reason>". */
  what: string;
};

/** How the child ended, with the tail of its stderr (its last line is usually the reason). */
type ChildExit = { code: number | null; signal: NodeJS.Signals | null; stderr: string };

/** The last line of a child's stderr, after a colon, or nothing. */
export const lastLine = (stderr: string) => {
  const last = stderr.trim().split("\n").at(-1) ?? "";
  return last ? `: ${last}` : "";
};

/** Runs the script to its end; rejects only when it cannot start. */
export async function runChild(o: ChildOptions): Promise<ChildExit> {
  const entry = o.bundled ? await nodeEntry(process.cwd(), o.script) : ["--import", "tsx", path.join(process.cwd(), o.script)];
  return new Promise((resolve, reject) => {
    const ipc = o.job !== undefined;
    // spawn with an "ipc" channel rather than fork(): the bundler leaves a plain spawn alone.
    const child = spawn(process.execPath, [...(o.node ?? []), ...entry, ...(o.args ?? [])], {
      cwd: process.cwd(),
      env: childEnv(), // an allow-list: no NEXTAUTH_SECRET (lib/child-env.ts)
      stdio: ipc ? ["ignore", o.stdout ?? "ignore", "pipe", "ipc"] : ["ignore", o.stdout ?? "ignore", "pipe"],
      ...(ipc ? { serialization: "advanced" as const } : {}),
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    if (o.onMessage) child.on("message", o.onMessage);
    const timer = o.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), o.timeoutMs) : undefined;
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${o.what} could not start: ${e.message}`));
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
    if (ipc) child.send(o.job as never);
  });
}
