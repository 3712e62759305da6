"use client";

// A line chart of metric series drawn with uPlot (client-only: uPlot is loaded in the browser
// after mount), updated in place as points arrive, redrawn on resize and on a dark-mode switch.
// The canvas is hidden from screen readers; the table below it says the same in text.
import "uplot/dist/uPlot.min.css";
import { useEffect, useMemo, useRef, useState } from "react";
import type uPlot from "uplot";
import { Card } from "../ui/card";
import type { Chart, ChartLine } from "./chart-groups";
import { formatTick, formatValue } from "./format";
import { lineStyles } from "./chart-style";
import { alignSeries, summarize } from "./metric-series";

function useDarkMode(): boolean {
  const [dark, setDark] = useState(false);
  useEffect(() => {
    const root = document.documentElement;
    const read = () => setDark(root.classList.contains("dark"));
    read();
    const obs = new MutationObserver(read);
    obs.observe(root, { attributes: true, attributeFilter: ["class"] });
    return () => obs.disconnect();
  }, []);
  return dark;
}

/** Axis tick text, and an axis wide enough for its longest tick (lr ticks read "3e-4"). */
const tick = (_u: uPlot, splits: number[]) => splits.map((v) => formatTick(v));
const axisWidth = (_u: uPlot, values: string[] | null) => 16 + 7 * Math.max(3, ...(values ?? []).map((v) => v.length));

/** Steps and iterations are whole numbers: the x axis ticks only at integers (never 1.5). */
const INTEGER_INCRS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000,
];

function options(labels: string[], width: number, height: number, dark: boolean, xLabel: string): uPlot.Options {
  const text = dark ? "#a1a1aa" : "#52525b";
  const grid = dark ? "rgba(255,255,255,0.08)" : "rgba(0,0,0,0.08)";
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const styles = lineStyles(labels);
  return {
    width,
    height,
    scales: { x: { time: false } },
    // The table under the chart is its legend (and says the same to screen readers).
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
    axes: [
      { ...axis, label: xLabel, labelSize: 18, incrs: INTEGER_INCRS, values: (_u: uPlot, splits: number[]) => splits.map((v) => String(v)) },
      { ...axis, size: axisWidth, values: tick },
    ],
    series: [
      { label: xLabel },
      ...labels.map((label, i) => ({
        label,
        stroke: styles[i]!.color, // one style per label
        width: 2,
        spanGaps: true,
        dash: styles[i]!.dashed ? [6, 4] : undefined,
        points: { show: false },
      })),
    ],
  };
}

function MetricChart({
  title,
  lines,
  help,
  note,
  xLabel = "step",
  height = 220,
}: {
  title: string;
  lines: ChartLine[];
  help?: string;
  note?: string;
  /** What the x axis counts: "step", or "iteration" for PPO. */
  xLabel?: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = useDarkMode();
  const data = useMemo(() => alignSeries(lines.map((l) => l.series)), [lines]);
  // The chart is rebuilt when the line labels change, not when a new array of the same labels arrives.
  const labelKey = JSON.stringify(lines.map((l) => l.label));
  const labels = useMemo(() => JSON.parse(labelKey) as string[], [labelKey]);
  const latest = useRef(data);
  latest.current = data;
  const titleId = `chart-${title.replace(/[^a-zA-Z0-9]+/g, "-")}`;

  // (Re)create the chart when its lines or the theme change; data updates go through setData.
  useEffect(() => {
    const el = box.current;
    if (!el || labels.length === 0) return;
    let disposed = false;
    let resize: ResizeObserver | undefined;
    void import("uplot").then(({ default: UPlot }) => {
      if (disposed) return;
      const width = Math.max(200, el.clientWidth);
      plot.current = new UPlot(options(labels, width, height, dark, xLabel), latest.current as uPlot.AlignedData, el);
      resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
      resize.observe(el);
    });
    return () => {
      disposed = true;
      resize?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [labels, dark, height, xLabel]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const empty = lines.length === 0;
  return (
    <figure aria-labelledby={titleId} className="min-w-0 space-y-2" data-chart={title}>
      <figcaption id={titleId}>
        <span className="block text-sm font-semibold">{title}</span>
        {help && <span className="block text-xs text-zinc-500 dark:text-zinc-400">{help}</span>}
      </figcaption>
      {empty ? (
        <p className="flex h-24 items-center justify-center rounded-md border border-dashed border-zinc-300 text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          Waiting for the first point.
        </p>
      ) : (
        <div ref={box} aria-hidden="true" className="w-full overflow-hidden text-xs text-zinc-600 dark:text-zinc-300" />
      )}
      {!empty && <SummaryTable title={title} lines={lines} xLabel={xLabel} />}
      {note && (
        <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="chart-note">
          {note}
        </p>
      )}
    </figure>
  );
}

/** The chart in words: each line's last value, its step, and its range. */
function SummaryTable({ title, lines, xLabel }: { title: string; lines: ChartLine[]; xLabel: string }) {
  const styles = lineStyles(lines.map((l) => l.label));
  return (
    <table className="w-full text-xs tabular-nums">
      <caption className="sr-only">{title}: last values</caption>
      <thead className="text-left text-zinc-500 dark:text-zinc-400">
        <tr>
          <th scope="col" className="py-0.5 pr-2 font-medium">
            Line
          </th>
          <th scope="col" className="py-0.5 pr-2 font-medium">
            Last
          </th>
          <th scope="col" className="py-0.5 pr-2 font-medium">
            At {xLabel}
          </th>
          <th scope="col" className="py-0.5 pr-2 font-medium">
            Min
          </th>
          <th scope="col" className="py-0.5 font-medium">
            Max
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l, i) => {
          const s = summarize(l.series);
          return (
            <tr key={l.label} data-line={l.label}>
              <th scope="row" className="py-0.5 pr-2 text-left font-normal" title={l.key ? `Logged as "${l.key}"` : undefined}>
                <span
                  aria-hidden="true"
                  className="mr-1 inline-block h-0 w-4 align-middle"
                  style={{ borderTop: `3px ${styles[i]?.dashed ? "dashed" : "solid"} ${styles[i]?.color}` }}
                />
                {l.label}
              </th>
              <td className="py-0.5 pr-2" data-testid="last-value">
                {formatValue(s?.last)}
              </td>
              <td className="py-0.5 pr-2">{s?.step ?? "—"}</td>
              <td className="py-0.5 pr-2">{formatValue(s?.min)}</td>
              <td className="py-0.5">{formatValue(s?.max)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Charts two to a row on wide screens, each in its card. */
export function ChartGrid({ charts, xLabel }: { charts: Chart[]; xLabel?: string }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {charts.map((c) => (
        <Card key={c.id}>
          <MetricChart title={c.title} lines={c.lines} help={c.help} note={c.note} xLabel={xLabel} />
        </Card>
      ))}
    </div>
  );
}
