// The benchmark's printed report: plain-text tables like the paper's, and the final JSON line.

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('   '), ...cells.map(line)].join('\n');
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
}

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export interface PolicyRow {
  name: string;
  oracle: number;
  correct: number;
  styled: number;
  length: number;
  rm?: number;
  kl?: number;
  winVsSft?: number;
}

export function policyTable(rows: PolicyRow[]): string {
  const opt = (x: number | undefined, f: (x: number) => string = fmt) => (x === undefined ? '-' : f(x));
  return table(
    ['policy', 'oracle score', 'correct', 'styled', 'RM score', 'KL to SFT (nats)', 'win vs SFT', 'tokens'],
    rows.map((r) => [r.name, r.oracle, pct(r.correct), pct(r.styled), opt(r.rm), opt(r.kl), opt(r.winVsSft, pct), r.length]),
  );
}

/** Wall and CPU seconds per stage (CPU: this process's threads, all cores), and the totals. */
export function timingTable(stages: Array<{ name: string; seconds: number; cpuSeconds: number; cached: boolean }>): string {
  const sum = (f: (s: (typeof stages)[number]) => number) => stages.reduce((a, s) => a + f(s), 0).toFixed(1);
  return table(
    ['stage', 'wall time (s)', 'CPU time (s)'],
    [
      ...stages.map((s) => [s.cached ? `${s.name} (cached)` : s.name, s.seconds.toFixed(1), s.cpuSeconds.toFixed(1)]),
      ['total', sum((s) => s.seconds), sum((s) => s.cpuSeconds)],
    ],
  );
}
