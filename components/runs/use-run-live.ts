"use client";

// A run kept up to date in the browser: while it is queued or running, its metrics are polled with
// ?after=<last id> (only new points travel) and the run itself (status, progress, ETA, log tail)
// every ~1.5 s; one last poll after it ends picks up its final points.
import { useCallback, useEffect, useRef, useState } from "react";
import { getMetrics, getRun } from "./api";
import { isActive } from "./format";
import { lastMetricId, mergeMetrics, type MetricPoint, type SeriesMap } from "./metric-series";
import type { RunDetailJson } from "./types";

const POLL_MS = 1500;

export function useRunLive(initial: RunDetailJson, initialPoints: MetricPoint[]) {
  const [run, setRun] = useState(initial);
  const [series, setSeries] = useState<SeriesMap>(() => mergeMetrics({}, initialPoints));
  const [stale, setStale] = useState(false);
  const lastId = useRef(lastMetricId(initialPoints));

  /** New metric points, merged into the series; returns how many came. */
  const pollMetrics = useCallback(async () => {
    const points = await getMetrics(initial.id, lastId.current);
    lastId.current = lastMetricId(points, lastId.current);
    if (points.length) setSeries((s) => mergeMetrics(s, points));
    return points.length;
  }, [initial.id]);

  const poll = useCallback(async () => {
    const [, next] = await Promise.all([pollMetrics(), getRun(initial.id)]);
    setRun(next);
    return next;
  }, [initial.id, pollMetrics]);

  const active = isActive(run.status);
  useEffect(() => {
    if (!active) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const next = await poll();
        setStale(false);
        if (!isActive(next.status)) {
          // The points written just before it ended (the API answers in pages: read until empty).
          for (let i = 0; i < 50 && (await pollMetrics()) > 0; i++);
          return;
        }
      } catch {
        setStale(true); // keep trying: the server may be restarting
      }
      if (!stop) timer = setTimeout(() => void tick(), POLL_MS);
    };
    timer = setTimeout(() => void tick(), POLL_MS);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [active, poll, pollMetrics]);

  /** After cancel or resume: read the run now (and start polling again if it is active). */
  const refresh = useCallback(() => poll().then(() => setStale(false)), [poll]);
  return { run, series, stale, refresh };
}
