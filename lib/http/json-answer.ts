// A route's JSON answer. One that is small is marked `Cache-Control: no-transform`, which the web
// server's gzip (Next.js's `compression`) honours: compressing a few kilobytes saves the network
// next to nothing and costs the server a zlib stream per answer (its setup, its buffers, about
// 0.4 ms of CPU on the labeling hot path, bench:queue's profile). Larger answers are compressed as before.
import "server-only";
import { NextResponse } from "next/server";

/** Answers up to this many characters of JSON go uncompressed. */
export const UNCOMPRESSED_MAX_CHARS = 8 * 1024;

export function jsonAnswer(body: unknown): Response {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (text.length <= UNCOMPRESSED_MAX_CHARS) headers["cache-control"] = "no-transform";
  return new NextResponse(text, { headers });
}
