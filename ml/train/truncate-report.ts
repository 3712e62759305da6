// What the truncation policy (truncate.ts) did to a run's data, counted once before training: as
// metrics for the run page, as one line for the log (a warning when anything was lost), and as a
// refusal when too much of the data would lose response tokens.

import { ConfigError } from '../model/config';
import type { FittedChat } from './truncate';

export interface TruncationStats {
  /** What one example is, plural: "examples", "responses", "prompts". */
  unit: string;
  examples: number;
  /** Examples whose prompt was shortened (earliest turns dropped or the oldest turn cut from the left). */
  promptShortened: number;
  /** Examples cut at the end of the response. */
  responseTruncated: number;
  /** Examples left out. */
  skipped: number;
  responseTokensDropped: number;
  /** Tokens the longest example needs uncut. */
  longest: number;
}

export const emptyStats = (unit: string): TruncationStats => ({
  unit,
  examples: 0,
  promptShortened: 0,
  responseTruncated: 0,
  skipped: 0,
  responseTokensDropped: 0,
  longest: 0,
});

/**
 * Counts one fitted example into `s`. `perResponse`: each response is an example (the reward
 * model's sequences); otherwise the whole chat is one (SFT, a PPO prompt, a DPO pair).
 */
export function tally(s: TruncationStats, f: FittedChat, perResponse = false): void {
  s.longest = Math.max(s.longest, f.needed);
  s.responseTokensDropped += f.responseTokensDropped;
  const shortened = f.kept && f.promptCut > 0;
  if (perResponse) {
    s.examples += f.responses.length;
    for (const r of f.responses) {
      if (r === null) s.skipped++;
      else if (shortened) s.promptShortened++;
    }
    s.responseTruncated += f.truncated;
    return;
  }
  s.examples++;
  if (!f.kept) s.skipped++;
  else {
    if (shortened) s.promptShortened++;
    if (f.truncated || f.responses.some((r) => r === null)) s.responseTruncated++;
  }
}

/** Adds counts (e.g. the training and validation sets). */
export function addStats(a: TruncationStats, b: TruncationStats): TruncationStats {
  return {
    unit: a.unit,
    examples: a.examples + b.examples,
    promptShortened: a.promptShortened + b.promptShortened,
    responseTruncated: a.responseTruncated + b.responseTruncated,
    skipped: a.skipped + b.skipped,
    responseTokensDropped: a.responseTokensDropped + b.responseTokensDropped,
    longest: Math.max(a.longest, b.longest),
  };
}

/** What a trainer reports about its data before the first step. */
export interface DataReport {
  /** truncationMetrics: the run page shows them under their labels. */
  metrics: Record<string, number>;
  /** truncationLine: for the log. */
  line: string;
}

/** The report of data `stats` fitted to `length`: metrics and one log line. */
export function dataReport(stats: TruncationStats, what: string, length: LengthSetting): DataReport {
  return { metrics: truncationMetrics(stats), line: truncationLine(stats, what, length) };
}

/** The run-page metrics (labels in components/runs/data-fit.ts). */
export function truncationMetrics(s: TruncationStats): Record<string, number> {
  return {
    data_examples: s.examples,
    data_prompt_shortened: s.promptShortened,
    data_response_truncated: s.responseTruncated,
    data_skipped: s.skipped,
    data_response_tokens_dropped: s.responseTokensDropped,
  };
}

/**
 * The length setting the data was fitted to: `field` = `value` allows `value + offset` tokens
 * (SFT's seqLen counts input positions, so a sequence of seqLen + 1 tokens fits: offset 1).
 */
export interface LengthSetting {
  field: string;
  value: number;
  offset?: number;
}

const atLeast = (s: TruncationStats, l: LengthSetting) => s.longest - (l.offset ?? 0);

/** One log line; it starts with "warning:" when any example lost tokens. */
export function truncationLine(s: TruncationStats, what: string, l: LengthSetting): string {
  const lost = s.promptShortened + s.responseTruncated + s.skipped;
  if (!lost) return `${what}: all ${s.examples} ${s.unit} fit whole at ${l.field} ${l.value} (the longest needs ${atLeast(s, l)})`;
  const parts = [
    s.promptShortened && `${s.promptShortened} had the prompt shortened from the left`,
    s.responseTruncated && `${s.responseTruncated} were cut at the end of the response`,
    s.skipped && `${s.skipped} were skipped`,
  ].filter(Boolean);
  const dropped = s.responseTruncated + s.skipped ? `; ${s.responseTokensDropped} response tokens dropped` : '';
  return `warning: ${what} at ${l.field} ${l.value}: of ${s.examples} ${s.unit}, ${parts.join(', ')}${dropped} (the longest needs ${l.field} ${atLeast(s, l)})`;
}

/** Refuses, in one sentence, data of which more than `maxShare` would lose response tokens (cut at the end or skipped). */
export function refuseOverlong(s: TruncationStats, maxShare: number, what: string, l: LengthSetting): void {
  const lost = s.responseTruncated + s.skipped;
  if (!s.examples || lost / s.examples <= maxShare) return;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  throw new ConfigError(
    `${what}: ${lost} of ${s.examples} ${s.unit} (${pct(lost / s.examples)}) would lose response tokens at ${l.field} ${l.value}, more than maxOverlongShare ${pct(maxShare)} allows; raise ${l.field} to ${atLeast(s, l)} (what the longest needs) or maxOverlongShare`,
  );
}
