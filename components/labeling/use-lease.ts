"use client";
// Keeps the labeler's lease on a task alive: renews every min(leaseMinutes / 3, 5) minutes while the
// page is visible, and at once when it becomes visible again. Reports a lost lease once.
import { useEffect, useRef, useState } from "react";
import { ApiError } from "../ui/fetch-json";
import { renewLease } from "./api";
import type { TaskPayload } from "./types";

const MAX_PERIOD_MS = 5 * 60_000;
const MIN_PERIOD_MS = 15_000;

/** Renewal period for a lease of `leaseMinutes`. */
const renewPeriodMs = (leaseMinutes: number) => Math.max(MIN_PERIOD_MS, Math.min((leaseMinutes * 60_000) / 3, MAX_PERIOD_MS));

/** The lease's current expiry (ISO), or null without a task. */
export function useLease(task: TaskPayload | null, onLost: (message: string) => void): string | null {
  const [expiresAt, setExpiresAt] = useState<{ assignmentId: string; at: string } | null>(null);
  const onLostRef = useRef(onLost);
  useEffect(() => {
    onLostRef.current = onLost;
  });

  useEffect(() => {
    if (!task) return;
    let stopped = false;
    let lost = false;
    let last = Date.now();
    const renew = async () => {
      if (stopped || lost || document.visibilityState !== "visible") return;
      last = Date.now();
      try {
        const r = await renewLease(task.assignmentId);
        if (!stopped) setExpiresAt({ assignmentId: task.assignmentId, at: r.leaseExpiresAt });
      } catch (e) {
        // 409 lease_lost, or the assignment is gone / not ours; network errors just wait for the next tick.
        if (stopped || !(e instanceof ApiError) || ![403, 404, 409].includes(e.status)) return;
        lost = true;
        onLostRef.current(e.message);
      }
    };
    const timer = setInterval(() => void renew(), renewPeriodMs(task.project.leaseMinutes));
    const onVisibility = () => {
      if (document.visibilityState === "visible" && Date.now() - last > 10_000) void renew();
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [task]);

  if (!task) return null;
  return expiresAt?.assignmentId === task.assignmentId ? expiresAt.at : task.leaseExpiresAt;
}
