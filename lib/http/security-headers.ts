// The security headers of every page (set by proxy.ts, with a fresh nonce per request) and of the
// API (set in next.config.js). Scripts run only from this origin with the request's nonce
// ('strict-dynamic' lets Next's own scripts load their chunks); nothing may frame the app.

import { envVar } from "../env";
import { reachedOverHttps } from "./https";

/** A fresh base64 nonce for one page response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** The page CSP. Development adds 'unsafe-eval' (React's dev tooling); production never does. */
export function pageCsp(nonce: string, dev = envVar("NODE_ENV") === "development"): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // style attributes (progress bars, chart legends, the drag layer) and Next's injected styles
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * True when the browser reached the app over https: the request itself, the TLS-terminating proxy's
 * X-Forwarded-Proto, or NEXTAUTH_URL. HSTS is sent only then (over http it would be ignored, and
 * would pin a host that has no certificate).
 */
export const servedOverHttps = (req: Request): boolean => reachedOverHttps(req.headers, req.url);
