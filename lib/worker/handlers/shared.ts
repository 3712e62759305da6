// Small helpers the training handlers share.
import fs from "node:fs";
import path from "node:path";
import { fmtMetrics, recoverCheckpoint, type ConfigOf, type EvalSample, type FieldTable, type RLProgress } from "../../../ml/index";
import type { RunContext } from "../context";

/**
 * The fields of a run's config that are the trainer's hyperparameters (rows of its table), those
 * that are set: the app's own fields (modelSize, contextLength, rewardId) stay out, since the
 * trainers refuse unknown fields.
 */
export function trainerFields<T extends FieldTable>(table: T, config: object): Partial<ConfigOf<T>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (k in table && v !== undefined) out[k] = v;
  return out as Partial<ConfigOf<T>>;
}

/** Log a step line about 20 times per run. */
export const reportEvery = (steps: number) => Math.max(1, Math.round(steps / 20));

/** The step (or iteration) of the training checkpoint in `out`, when there is one to resume from. */
function checkpointStep(out: string): number | null {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(out, "trainer_state.json"), "utf8")) as Record<string, unknown>;
    const step = j.step ?? j.iteration ?? j.iterations;
    return typeof step === "number" ? step : null;
  } catch {
    return null;
  }
}

/** Logs where a resumed attempt starts, after putting back a checkpoint whose replacement was cut short. */
export function logResume(ctx: { log(line: string): void }, out: string): void {
  const recovered = recoverCheckpoint(out);
  if (recovered) ctx.log(recovered);
  const step = checkpointStep(out);
  if (step !== null) ctx.log(`resuming from the checkpoint at step ${step}`);
}

/** Step of the data metrics (what the truncation policy did): before the first training step. */
const DATA_STEP = 0;

/** A trainer's report on its data: the counts as metrics (the run page lists them under "Data"), its line in the log. */
export function reportData(ctx: RunContext, d: { metrics: Record<string, number>; line?: string }): void {
  if (Object.keys(d.metrics).length) ctx.metrics(DATA_STEP, d.metrics);
  if (d.line) ctx.log(d.line);
}

/** A trainer's answers to the held-out prompts at `step`: stored with the metrics, counted in the log. */
export function reportSamples(ctx: RunContext, step: number, samples: readonly EvalSample[] | undefined): void {
  if (!samples?.length) return;
  ctx.samples(step, samples);
  ctx.log(`step ${step}: answers to ${samples.length} held-out prompt(s) stored (run page, Samples)`);
}

/**
 * The run's progress, metrics and log lines from an RLHF trainer's progress events; `unit` names
 * what a step is ("step" for the reward model, "iteration" for PPO).
 */
export function reportRLProgress(ctx: RunContext, unit: "step" | "iteration"): (p: RLProgress) => void {
  return (p) => {
    if (p.event === "data") return reportData(ctx, p);
    if (p.event === "samples") return reportSamples(ctx, p.step, p.samples);
    ctx.progress(p.steps ? p.step / p.steps : 0, Number.isFinite(p.etaSec) ? p.etaSec : undefined);
    if (p.event === "step" || p.event === "eval")
      ctx.metrics(p.step, {
        ...p.metrics,
        ...(p.copyMs !== undefined ? { copy_ms: p.copyMs } : {}),
        ...(p.cost ? { iter_sec: p.cost.iterSec, peak_rss_mb: p.cost.peakRssMb } : {}),
      });
    if (p.event === "step" && (p.step % reportEvery(p.steps) === 0 || p.step === 1)) ctx.log(`${unit} ${p.step}/${p.steps} ${fmtMetrics(p.metrics)}`);
    if (p.event === "eval") ctx.log(`${unit} ${p.step}: ${fmtMetrics(p.metrics)}`);
    if (p.event === "save") ctx.log(`checkpoint written at ${unit} ${p.step}`); // the metrics were stored before it (beforeSave)
  };
}
