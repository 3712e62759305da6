// The address a request came from, for throttling. `next start` appends the socket's peer to
// X-Forwarded-For, so its LAST entry is the real peer; behind a proxy you run (TRUST_PROXY=1)
// the first entry is the client.
type HeaderBag = Record<string, string | string[] | undefined> | Headers;

export function clientIp(headers: HeaderBag): string {
  const get = (name: string) => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v.join(",") : v;
  };
  const hops = (get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (hops.length === 0) return get("x-real-ip") ?? "unknown";
  return process.env.TRUST_PROXY === "1" ? hops[0] : hops[hops.length - 1];
}
