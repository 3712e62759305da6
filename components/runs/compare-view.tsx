"use client";

// Two runs on the same charts (A solid, B dashed), both kept live while either trains.
import Link from "next/link";
import { useMemo } from "react";
import { RUN_KINDS, type RunKind } from "@/lib/runs/kinds";
import { Card } from "../ui/card";
import { compareCharts } from "./chart-groups";
import { ChartGrid } from "./metric-chart";
import type { MetricPoint } from "./metric-series";
import { ProgressBar, StatusBadge } from "./run-status";
import type { RunDetailJson } from "./types";
import { useRunLive } from "./use-run-live";

type Loaded = { run: RunDetailJson; points: MetricPoint[] };

export function CompareView({ a, b }: { a: Loaded; b: Loaded }) {
  const la = useRunLive(a.run, a.points);
  const lb = useRunLive(b.run, b.points);
  const charts = useMemo(
    () =>
      compareCharts(
        { kind: la.run.kind, series: la.series, config: (la.run as { config?: Record<string, unknown> }).config },
        { kind: lb.run.kind, series: lb.series, config: (lb.run as { config?: Record<string, unknown> }).config },
      ),
    [la.run, la.series, lb.run, lb.series],
  );
  return (
    <div className="space-y-6">
      <div className="grid gap-4 md:grid-cols-2">
        {(
          [
            ["A", la.run, "solid lines"],
            ["B", lb.run, "dashed lines"],
          ] as const
        ).map(([letter, run, style]) => (
          <Card key={letter} className="space-y-2" data-compare={letter}>
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-sm font-semibold">{letter}</span>
              <Link href={`/runs/${run.id}`} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                {run.name || run.kind}
              </Link>
              <StatusBadge status={run.status} />
              <span className="text-xs text-zinc-500">
                {RUN_KINDS[run.kind as RunKind]?.label ?? run.kind} · {style}
              </span>
            </div>
            <ProgressBar progress={run.progress} status={run.status} etaSec={run.etaSec} label={`Progress of run ${letter}`} compact />
          </Card>
        ))}
      </div>
      <ChartGrid charts={charts} />
    </div>
  );
}
