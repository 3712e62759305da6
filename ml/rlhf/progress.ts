// Progress events shared by the RLHF trainers (reward model, PPO/RLOO/GRPO, DPO), the one emitter
// they send them through, and a terminal printer for them. Metric names are the ones RunMetric rows and charts use (see ml/README.md).

import type { EvalSample } from '../generate/sample-spec';
import { dataReport, type LengthSetting, type TruncationStats } from '../train/truncate-report';

export interface RLProgress {
  /**
   * 'data': once before the first step, what the truncation policy did to the data (metrics and `line`).
   * 'samples': the held-out prompts of the config's `samples` answered by the policy at this step (`samples`).
   */
  event: 'data' | 'step' | 'eval' | 'samples' | 'save' | 'done';
  /** Optimizer steps (reward model) or iterations (PPO) completed. */
  step: number;
  steps: number;
  /** e.g. loss, accuracy, margin, lr (step); val_loss, val_accuracy, val_margin, reward_mean, reward_std (eval). */
  metrics: Record<string, number>;
  /** Seconds left at the pace so far (NaN before the first step). */
  etaSec: number;
  /** The folder written (save events). */
  checkpoint?: string;
  /** Host↔device copy time of one training-step run, ms (RunStats.copyMs; step events, once measured). */
  copyMs?: number;
  /** Step events of PPO/RLOO/GRPO: the iteration's wall time and the process's peak resident memory so far. */
  cost?: { iterSec: number; peakRssMb: number };
  /** With 'data': one log line (a warning when anything was lost). */
  line?: string;
  /** With 'samples': each held-out prompt and the policy's answer. */
  samples?: EvalSample[];
}

/** What the caller of an RLHF trainer (reward model, DPO, PPO) hooks into. */
export interface RLHooks {
  onProgress?: (p: RLProgress) => void;
  /** Aborting stops after the current step (PPO: iteration) and writes a checkpoint. */
  signal?: AbortSignal;
  /**
   * Awaited before each checkpoint is written, after every progress event sent before it has reached
   * the caller: the caller stores what it was sent (the run's metrics), so a checkpoint never holds
   * steps whose metrics a killed worker would lose.
   */
  beforeSave?: () => Promise<void>;
}

/** The 'data' event of a trainer whose data `stats` were fitted to `length`. */
export function dataEvent(stats: TruncationStats, what: string, length: LengthSetting): Pick<RLProgress, 'event' | 'metrics' | 'line'> {
  return { event: 'data', ...dataReport(stats, what, length) };
}

/** What a paced event may carry besides its metrics: the folder a save wrote; copyMs and cost go with step events only. */
interface PacedExtras {
  checkpoint?: string;
  copyMs?: number;
  cost?: RLProgress['cost'];
}

/**
 * A trainer's progress events for a run of `steps` steps (PPO: iterations) that starts, or resumes,
 * at step `first`. `paced` events (step, eval, save, done) carry the time left at the pace since the
 * emitter was made; `unpaced` ones (data, samples) carry NaN.
 */
export function progressEmitter(emit: (p: RLProgress) => void, first: number, steps: number) {
  const t0 = performance.now();
  return {
    paced(event: RLProgress['event'], step: number, metrics: Record<string, number>, x: PacedExtras = {}): void {
      const done = step - first;
      const secs = (performance.now() - t0) / 1000;
      emit({
        event,
        step,
        steps,
        metrics,
        etaSec: done > 0 ? (secs / done) * (steps - step) : NaN,
        ...(x.checkpoint ? { checkpoint: x.checkpoint } : {}),
        ...(event === 'step' && x.copyMs !== undefined && Number.isFinite(x.copyMs) ? { copyMs: x.copyMs } : {}),
        ...(event === 'step' && x.cost ? { cost: x.cost } : {}),
      });
    },
    unpaced(step: number, p: Pick<RLProgress, 'event' | 'metrics' | 'line' | 'samples'>): void {
      emit({ ...p, step, steps, etaSec: NaN });
    },
  };
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** `name value` pairs, small values in exponent form: `loss 0.6931 lr 1.00e-5`. */
export function fmtMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${Math.abs(v) > 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4)}`)
    .join(' ');
}

/** One line per event on `stream` (a progress bar that redraws in place on a TTY). */
export function rlProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (p: RLProgress) => void {
  const tty = stream.isTTY;
  let lastLine = 0;
  return (p) => {
    const nl = tty ? '\n' : '';
    if (p.event === 'data') stream.write(`${nl}${p.line}\n`);
    else if (p.event === 'eval') stream.write(`${nl}step ${p.step}: ${fmtMetrics(p.metrics)}\n`);
    else if (p.event === 'samples')
      for (const x of p.samples ?? []) stream.write(`${nl}step ${p.step} sample: ${JSON.stringify(x.prompt)} -> ${JSON.stringify(x.output)}\n`);
    else if (p.event === 'save') stream.write(`${nl}checkpoint written to ${p.checkpoint} (step ${p.step})\n`);
    else if (p.event === 'done') stream.write(`${nl}done: step ${p.step}, ${fmtMetrics(p.metrics)}\n`);
    else {
      const width = 30;
      const filled = Math.round((width * p.step) / Math.max(1, p.steps));
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.step}/${p.steps} ${fmtMetrics(p.metrics)} ETA ${duration(p.etaSec)}`;
      if (tty) stream.write(`\r${line}`);
      else if (performance.now() - lastLine > 5000 || p.step === p.steps) {
        stream.write(`${line}\n`);
        lastLine = performance.now();
      }
    }
  };
}
