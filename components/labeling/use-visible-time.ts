"use client";
// Milliseconds this component has been on screen with the tab visible: time in a background tab does not count.
import { useCallback, useEffect, useRef } from "react";

const MAX_MS = 86_400_000; // the submission schema's cap

export function useVisibleTime(): () => number {
  const total = useRef(0);
  const since = useRef<number | null>(null);
  useEffect(() => {
    const stop = () => {
      if (since.current !== null) total.current += performance.now() - since.current;
      since.current = null;
    };
    const sync = () => {
      if (document.visibilityState !== "visible") stop();
      else if (since.current === null) since.current = performance.now();
    };
    sync();
    document.addEventListener("visibilitychange", sync);
    return () => {
      document.removeEventListener("visibilitychange", sync);
      stop();
    };
  }, []);
  return useCallback(() => {
    const running = since.current === null ? 0 : performance.now() - since.current;
    return Math.min(MAX_MS, Math.round(total.current + running));
  }, []);
}
