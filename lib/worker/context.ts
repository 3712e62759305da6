// What a handler gets to run one job: the run, its folder, a signal aborted on cancel, and sinks
// for progress, metrics (batched into RunMetric inserts), sample generations (RunSample rows) and
// log lines (the last LOG_LINES kept in TrainingRun.logTail). The worker flushes them with each heartbeat, so a handler never waits on
// the database to report.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { db } from "../db";
import type { ArtifactKind, RunConfig, RunKind } from "../runs/kinds";

/** A claimed run of kind K: its config typed by the kind's field table (RunConfig<K>). */
type RunOf<K extends RunKind> = {
  [P in K]: {
    id: string;
    kind: P;
    name: string;
    config: RunConfig<P>;
    projectId: string | null;
    exportId: string | null;
    baseId: string | null;
    createdById: string;
    /** Decrypted (e.g. { apiKey } of an OpenAI-compatible endpoint); never log them. */
    secrets?: Record<string, string>;
    /** True on every claim after the first (or after a resume): trainers continue from the checkpoint in `dir`. */
    resume: boolean;
    attempt: number;
    /** Where the engine runs: the run's `device`, else the worker's default (ML_DEVICE), else "cpu". */
    device: string;
  };
}[K];

/** What a handler of kind K gets; RunContext (any kind) narrows on `run.kind`. */
export type RunContext<K extends RunKind = RunKind> = {
  run: RunOf<K>;
  /** The run's folder, STORAGE_DIR/runs/<id>: data, checkpoints, outputs. */
  dir: string;
  /** Aborted when the run is cancelled (or the worker shuts down). */
  signal: AbortSignal;
  progress(fraction: number, etaSec?: number): void;
  metrics(step: number, values: Record<string, number>): void;
  /**
   * Writes the metrics reported so far now rather than with the next heartbeat (never rejects: what
   * fails goes with the next heartbeat). Await it before a checkpoint is written: an attempt that dies
   * resumes from there, so nothing before it may be lost.
   */
  saveMetrics(): Promise<void>;
  /** What the model answered to the run's fixed held-out prompts at `step` (stored with the metrics). */
  samples(step: number, samples: readonly RunSampleInput[]): void;
  log(line: string): void;
  /** Registers a finished checkpoint folder (it must hold config.json and model.safetensors). */
  registerArtifact(a: { kind: ArtifactKind; name: string; path: string; parentId?: string | null; config?: object; metrics?: object }): Promise<string>;
};

const LOG_LINES = 200;

/** One answer to a held-out prompt, as a trainer reports it (ml's EvalSample). */
export type RunSampleInput = { prompt: string; output: string; tokens: number; finished: boolean };

/** Longest prompt or output text stored for one sample (a runaway answer is cut, marked with …). */
const SAMPLE_TEXT_MAX = 4000;
/** Within SAMPLE_TEXT_MAX, without NUL characters (a text column refuses them; a byte-level model may write one). */
const clip = (raw: string) => {
  const s = raw.split("\u0000").join("");
  return s.length > SAMPLE_TEXT_MAX ? `${s.slice(0, SAMPLE_TEXT_MAX - 1)}…` : s;
};

/** The state behind a RunContext that the worker flushes with each heartbeat. */
export class RunSinks {
  progress = 0;
  etaSec: number | null = null;
  private lines: string[];
  private logDirty = false;
  private pending: { runId: string; step: number; name: string; value: number }[] = [];
  private pendingSamples: { runId: string; step: number; index: number; prompt: string; output: string; tokens: number; finished: boolean }[] = [];

  constructor(
    readonly runId: string,
    logTail: string,
  ) {
    this.lines = logTail ? logTail.replace(/\n$/, "").split("\n").slice(-LOG_LINES) : [];
  }

  log(line: string) {
    for (const l of line.split("\n")) this.lines.push(`${new Date().toISOString().slice(0, 19)} ${l}`);
    if (this.lines.length > LOG_LINES) this.lines.splice(0, this.lines.length - LOG_LINES);
    this.logDirty = true;
  }

  logTail(): string {
    return this.lines.length ? `${this.lines.join("\n")}\n` : "";
  }

  /** The log tail when it changed since the last call, else undefined. */
  takeLog(): string | undefined {
    if (!this.logDirty) return undefined;
    this.logDirty = false;
    return this.logTail();
  }

  metric(step: number, values: Record<string, number>) {
    for (const [name, value] of Object.entries(values)) {
      if (typeof value === "number" && Number.isFinite(value)) this.pending.push({ runId: this.runId, step, name, value });
    }
  }

  sample(step: number, samples: readonly RunSampleInput[]) {
    samples.forEach((x, index) =>
      this.pendingSamples.push({ runId: this.runId, step, index, prompt: clip(x.prompt), output: clip(x.output), tokens: x.tokens, finished: x.finished }),
    );
  }

  /** Writes the metrics and samples reported since the last flush (what fails is kept for the next one). */
  async flushMetrics(): Promise<void> {
    if (this.pending.length) {
      const batch = this.pending.splice(0, this.pending.length);
      try {
        await db.runMetric.createMany({ data: batch });
      } catch (e) {
        this.pending.unshift(...batch); // try again with the next heartbeat
        throw e;
      }
    }
    if (this.pendingSamples.length) {
      const batch = this.pendingSamples.splice(0, this.pendingSamples.length);
      try {
        // a resumed attempt that repeats an evaluation keeps the answers stored first
        await db.runSample.createMany({ data: batch, skipDuplicates: true });
      } catch (e) {
        this.pendingSamples.unshift(...batch);
        throw e;
      }
    }
  }
}

export async function registerArtifact(runId: string, a: Parameters<RunContext["registerArtifact"]>[0]): Promise<string> {
  for (const f of ["config.json", "model.safetensors"]) {
    if (!fs.existsSync(path.join(a.path, f))) throw new Error(`The checkpoint folder ${a.path} has no ${f}, so it was not registered.`);
  }
  const row = await db.modelArtifact.create({
    data: {
      kind: a.kind,
      name: a.name,
      path: path.resolve(a.path),
      runId,
      parentId: a.parentId ?? null,
      config: (a.config ?? {}) as object,
      metrics: (a.metrics ?? {}) as object,
    },
    select: { id: true },
  });
  return row.id;
}
