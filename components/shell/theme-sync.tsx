"use client";
// The theme for pages the inline script in app/layout.tsx never runs on: a 403 or 404 from
// forbidden()/notFound() is served as Next's error shell, whose <head> is rendered in the browser,
// where a script inserted by React does not execute. After mount this applies the same choice.
import { useEffect } from "react";

export function ThemeSync() {
  useEffect(() => {
    try {
      const t = localStorage.getItem("theme");
      const dark = t === "dark" || (!t && matchMedia("(prefers-color-scheme: dark)").matches);
      document.documentElement.classList.toggle("dark", dark);
    } catch {
      // storage blocked: keep what the page has
    }
  }, []);
  return null;
}
