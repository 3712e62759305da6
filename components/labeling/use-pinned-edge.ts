"use client";
// A pinned (sticky) bar reserves its height as the page's scroll padding, so moving the focus to an
// answer (keys, Tab) or scrolling one into view never leaves it under the pinned prompt or submit bar.
import { useEffect, type RefObject } from "react";

export function usePinnedEdge(ref: RefObject<HTMLElement | null>, edge: "top" | "bottom") {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const root = document.documentElement.style;
    const prop = edge === "top" ? "scrollPaddingTop" : "scrollPaddingBottom";
    const set = () => (root[prop] = `${Math.ceil(el.getBoundingClientRect().height) + 8}px`);
    set();
    const observer = new ResizeObserver(set);
    observer.observe(el);
    return () => {
      observer.disconnect();
      root[prop] = "";
    };
  }, [ref, edge]);
}
