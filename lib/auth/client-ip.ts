// The address a request came from, for throttling. The web server (scripts/web-server.ts) stamps
// the socket's peer address on every request in PEER_HEADER, after dropping any copy a client
// sent. X-Forwarded-For is written by clients too, so it is read only as far as TRUST_PROXY
// (parsed by lib/http/trust-proxy.ts) says:
//   unset / 0      the peer is the client (the app faces the clients directly);
//   a number n     n proxies of yours stand in front: the client is the n-th address from the right
//                  of X-Forwarded-For + peer;
//   a list         addresses or CIDR ranges of your proxies ("10.0.0.5, 192.168.0.0/16"): walking
//                  from the peer leftwards, the first address not in the list is the client.
// Without the stamp (the app not started through web-server.ts, e.g. `next dev`) the answer is
// "unknown": every client then shares one address's counters, never one a client chose.
import net from "node:net";
import { isTrustedProxy, parseTrustProxy, type TrustProxy } from "../http/trust-proxy";

export const PEER_HEADER = "x-rlhf-peer";

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

/** "::ffff:1.2.3.4" (an IPv4 peer on a dual-stack socket) is 1.2.3.4. */
const normalizeAddress = (a: string) => {
  const s = a.trim().replace(/^\[|\]$/g, "");
  return s.toLowerCase().startsWith("::ffff:") && net.isIPv4(s.slice(7)) ? s.slice(7) : s;
};

let cached: { raw: string | undefined; trust: TrustProxy } | undefined;
function trustFromEnv(): TrustProxy {
  const raw = process.env.TRUST_PROXY; // lib/env.ts checks it with the same parser at start-up, so it is read directly
  if (!cached || cached.raw !== raw) cached = { raw, trust: parseTrustProxy(raw) };
  return cached.trust;
}

export function clientIp(headers: HeaderBag, trust: TrustProxy = trustFromEnv()): string {
  const get = (name: string) => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v.join(",") : v;
  };
  const peer = get(PEER_HEADER)?.trim();
  if (!peer) return "unknown";
  if (trust.kind === "none") return normalizeAddress(peer);
  // The chain as received: the client's claimed hops, then each proxy's addition, then the peer.
  const chain = [...(get("x-forwarded-for") ?? "").split(","), peer].map(normalizeAddress).filter(Boolean);
  if (trust.kind === "hops") return chain[Math.max(0, chain.length - 1 - trust.hops)] ?? "unknown";
  let i = chain.length - 1;
  while (i > 0 && isTrustedProxy(trust.list, chain[i]!)) i--; // 0 < i < chain.length
  return chain[i] ?? "unknown";
}
