// Whether the browser reached the app over HTTPS: the request itself (a TLS socket, an https URL),
// the X-Forwarded-Proto of the proxy that ended TLS, or an https NEXTAUTH_URL. One answer for the
// Secure cookie choice (lib/auth/secure-cookie.ts) and for HSTS (lib/http/security-headers.ts).
// A client that forges the header only changes its own answer.

import { envVar } from "../env";

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** A header's values from either kind of bag (node's arrays as they are; null when absent). */
export const headerOf = (headers: HeaderBag, name: string): string | string[] | null =>
  (headers instanceof Headers ? headers.get(name) : headers[name]) ?? null;

export function reachedOverHttps(headers: HeaderBag, url?: string): boolean {
  if (url && new URL(url).protocol === "https:") return true;
  if (envVar("NEXTAUTH_URL")?.startsWith("https://")) return true;
  const raw = headerOf(headers, "x-forwarded-proto");
  const proto = ((Array.isArray(raw) ? raw[0] : raw) ?? "").split(",")[0]!.trim().toLowerCase();
  return proto === "https";
}
