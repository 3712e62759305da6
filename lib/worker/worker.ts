// A worker process's loop: reap runs whose worker died, claim the oldest queued run, run its
// handler (the trainers run the engine in a worker thread, so this event loop stays free for the
// heartbeat), and end the run. One run at a time. The heartbeat also flushes metrics and the log
// tail and reads cancelRequested, which aborts the handler's signal.
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { decryptSecrets } from "../runs/secrets";
import { storageDir } from "../storage";
import { RunSinks, registerArtifact, type RunContext } from "./context";
import type { RunHandler } from "./handlers";
import { availableDevices, parseDevice, checkDevice, deviceName } from "../../ml/index";
import {
  claimRun,
  finishRun,
  heartbeat,
  reapStaleRuns,
  registerWorker,
  unregisterWorker,
  workerHeartbeat,
  type ClaimedRun,
  type Ending,
  type WorkerIdentity,
} from "./queue";
import { envVar } from "../env";

export type WorkerOptions = {
  /** Milliseconds between heartbeats while a run is held (default RUN_HEARTBEAT_MS or 2000). */
  heartbeatMs?: number;
  /** A run whose heartbeat is older than this belonged to a dead worker (default RUN_STALE_MS or 60000). */
  staleMs?: number;
  /** Milliseconds between looks at the queue when it is empty (default WORKER_POLL_MS or 1000). */
  pollMs?: number;
  /** Take only runs of this project (default WORKER_PROJECT_ID; unset: every run). */
  projectId?: string | null;
  log?: (msg: string) => void;
  /**
   * The device of runs that name none (default ML_DEVICE, else "cpu"): "cpu", "cuda" or "cuda:N".
   * A CUDA one must be usable here, or the worker does not start.
   */
  device?: string;
  /** The devices this worker reports and claims runs for (default: the CPU and every GPU the CUDA provider can use). */
  devices?: string[];
  handlers?: Partial<Record<string, RunHandler>>;
};

export type Worker = { identity: WorkerIdentity; stop(): Promise<void>; done: Promise<void> };

/** One sentence from an error: its first line, ending with a full stop. */
export function oneSentence(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  let s = (raw.split("\n").find((l) => l.trim()) ?? "The run failed.").trim();
  if (s.length > 500) s = `${s.slice(0, 497)}...`;
  s = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/**
 * The worker's default device, checked now so that a wrong ML_DEVICE stops the worker with one
 * sentence instead of failing every run: an unknown name, missing CUDA provider files, a GPU
 * number this machine lacks.
 */
export function workerDevice(name: string, devices: readonly string[]): string {
  const d = parseDevice(name);
  if (d.provider === "cpu") return "cpu";
  checkDevice(d);
  const canonical = deviceName(d);
  if (!devices.includes(canonical)) throw new Error(`ML_DEVICE is ${name} but this worker reports only ${devices.join(", ")}.`);
  return canonical;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

export function startWorker(opts: WorkerOptions = {}): Worker {
  const heartbeatMs = opts.heartbeatMs ?? envVar("RUN_HEARTBEAT_MS");
  const staleMs = opts.staleMs ?? envVar("RUN_STALE_MS");
  const pollMs = opts.pollMs ?? envVar("WORKER_POLL_MS");
  const projectId = opts.projectId !== undefined ? opts.projectId : (envVar("WORKER_PROJECT_ID") ?? null);
  const log = opts.log ?? ((m: string) => console.log(`[worker] ${m}`));
  // The trainers (the ML engine and the datasets' queries) load with the first run, not at rest.
  const handlerOf = async (kind: ClaimedRun["kind"]): Promise<RunHandler | undefined> =>
    (opts.handlers?.[kind] as RunHandler | undefined) ?? ((await import("./handlers")).HANDLERS[kind] as RunHandler | undefined);
  const devices = opts.devices ?? availableDevices();
  const defaultDevice = workerDevice(opts.device ?? envVar("ML_DEVICE"), devices);
  const identity: WorkerIdentity = { id: `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`, host: os.hostname(), pid: process.pid };
  const stopping = new AbortController();
  let current: AbortController | null = null;

  async function execute(claimed: ClaimedRun) {
    const sinks = new RunSinks(claimed.id, claimed.logTail);
    const abort = new AbortController();
    current = abort;
    let reason: "cancel" | "shutdown" | "lost" | null = null;
    const stop = (why: typeof reason) => {
      if (!reason) reason = why;
      abort.abort();
    };
    const onShutdown = () => stop("shutdown");
    stopping.signal.addEventListener("abort", onShutdown, { once: true });
    sinks.log(`attempt ${claimed.attempt} on worker ${identity.host} pid ${identity.pid}`);

    let beating = false;
    const beat = async () => {
      if (beating) return;
      beating = true;
      try {
        await sinks.flushMetrics();
        await workerHeartbeat(identity, devices, defaultDevice);
        const r = await heartbeat(claimed.id, identity.id, { progress: sinks.progress, etaSec: sinks.etaSec, logTail: sinks.takeLog() });
        if (r === null) stop("lost");
        else if (r.cancelRequested) stop("cancel");
      } catch (e) {
        log(`heartbeat for run ${claimed.id} failed: ${oneSentence(e)}`);
      } finally {
        beating = false;
      }
    };
    const timer = setInterval(() => void beat(), heartbeatMs);

    let ending: Ending;
    try {
      const dir = storageDir("runs", claimed.id);
      fs.mkdirSync(dir, { recursive: true });
      const ctx: RunContext = {
        run: {
          id: claimed.id,
          kind: claimed.kind,
          name: claimed.name,
          // createRun stored it after checking it with the kind's schema: typed by its kind from here on
          config: claimed.config as never,
          projectId: claimed.projectId,
          exportId: claimed.exportId,
          baseId: claimed.baseId,
          createdById: claimed.createdById,
          secrets: claimed.secrets ? decryptSecrets(claimed.secrets) : undefined,
          resume: claimed.resume || claimed.attempt > 1,
          attempt: claimed.attempt,
          device: typeof claimed.config.device === "string" ? claimed.config.device : defaultDevice,
        },
        dir,
        signal: abort.signal,
        progress: (f, eta) => {
          sinks.progress = Math.min(1, Math.max(0, f));
          sinks.etaSec = eta ?? null;
        },
        metrics: (step, values) => sinks.metric(step, values),
        saveMetrics: () => sinks.flushMetrics().catch(() => {}), // what fails goes with the next heartbeat
        samples: (step, rows) => sinks.sample(step, rows),
        log: (line) => sinks.log(line),
        registerArtifact: (a) => registerArtifact(claimed.id, a),
      };
      const handler = await handlerOf(claimed.kind); // the handler of the run's own kind
      if (!handler) throw new Error(`This worker has no handler for ${claimed.kind} runs.`);
      await handler(ctx);
      ending = reason === "cancel" ? { status: "canceled" } : reason === "shutdown" ? { status: "queued" } : { status: "succeeded" };
    } catch (e) {
      if (reason === "cancel") ending = { status: "canceled" };
      else if (reason === "shutdown") ending = { status: "queued" };
      else {
        ending = { status: "failed", error: oneSentence(e) };
        log(`run ${claimed.id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    } finally {
      clearInterval(timer);
      stopping.signal.removeEventListener("abort", onShutdown);
      current = null;
    }
    while (beating) await new Promise((r) => setTimeout(r, 20));
    if (ending.status === "failed") sinks.log(`failed: ${ending.error}`);
    if (ending.status === "canceled") sinks.log("canceled; the last checkpoint is kept in the run's folder");
    if (ending.status === "queued") sinks.log("the worker is shutting down; the run goes back to the queue and resumes from its last checkpoint");
    if (ending.status === "succeeded") sinks.progress = 1;
    try {
      await sinks.flushMetrics();
    } catch (e) {
      log(`could not store the last metrics of run ${claimed.id}: ${oneSentence(e)}`);
    }
    if (reason === "lost") {
      log(`run ${claimed.id} was taken from this worker (heartbeat timeout); its result is discarded`);
      return;
    }
    const ok = await finishRun(claimed.id, identity.id, ending, {
      logTail: sinks.logTail(),
      progress: ending.status === "succeeded" ? 1 : undefined,
    });
    log(`run ${claimed.id} (${claimed.kind}) ${ok ? ending.status : "was reaped meanwhile"}`);
  }

  async function loop() {
    log(
      `worker ${identity.id} started (devices ${devices.join(", ")}, default ${defaultDevice}; heartbeat ${heartbeatMs} ms, stale after ${staleMs} ms${projectId ? `, project ${projectId} only` : ""})`,
    );
    while (!stopping.signal.aborted) {
      try {
        await workerHeartbeat(identity, devices, defaultDevice);
        const reaped = await reapStaleRuns(staleMs);
        for (const id of reaped.failed) log(`run ${id}: its worker died; marked failed`);
        for (const id of reaped.requeued) log(`run ${id}: its worker died; queued again to resume`);
        for (const id of reaped.canceled) log(`run ${id}: its worker died after a cancel was asked; canceled`);
        const claimed = await claimRun(identity, projectId, devices);
        if (claimed) {
          log(`claimed run ${claimed.id} (${claimed.kind}, attempt ${claimed.attempt})`);
          await execute(claimed);
          continue;
        }
      } catch (e) {
        log(`queue error: ${oneSentence(e)}`);
      }
      await sleep(pollMs, stopping.signal);
    }
    await unregisterWorker(identity.id).catch((e) => log(`could not unregister: ${oneSentence(e)}`));
    log(`worker ${identity.id} stopped`);
  }

  const done = registerWorker(identity, devices, defaultDevice)
    .catch((e) => log(`could not register: ${oneSentence(e)}`))
    .then(loop);
  return {
    identity,
    done,
    async stop() {
      stopping.abort();
      current?.abort();
      await done;
    },
  };
}
