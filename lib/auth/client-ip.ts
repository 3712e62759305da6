// The address a request came from, for throttling. The web server (scripts/web-server.ts) stamps
// the socket's peer address on every request in PEER_HEADER, after dropping any copy a client
// sent. X-Forwarded-For is written by clients too, so it is read only as far as TRUST_PROXY says:
//   unset / 0      the peer is the client (the app faces the clients directly);
//   a number n     n proxies of yours stand in front: the client is the n-th address from the right
//                  of X-Forwarded-For + peer;
//   a list         addresses or CIDR ranges of your proxies ("10.0.0.5, 192.168.0.0/16"): walking
//                  from the peer leftwards, the first address not in the list is the client.
// Without the stamp (the app not started through web-server.ts, e.g. `next dev`) the answer is
// "unknown": every client then shares one address's counters, never one a client chose.
import net from "node:net";

export const PEER_HEADER = "x-rlhf-peer";

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

export type TrustProxy = { kind: "none" } | { kind: "hops"; hops: number } | { kind: "list"; list: net.BlockList };

/** Parses TRUST_PROXY, or throws one sentence naming what is wrong. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = (raw ?? "").trim();
  if (v === "" || v === "0" || v.toLowerCase() === "false") return { kind: "none" };
  if (/^\d+$/.test(v)) return { kind: "hops", hops: Number(v) };
  const list = new net.BlockList();
  for (const entry of v.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [addr, bits] = entry.split("/");
    const type = net.isIPv4(addr) ? "ipv4" : net.isIPv6(addr) ? "ipv6" : null;
    const prefix = bits === undefined ? null : Number(bits);
    if (!type || (prefix !== null && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= (type === "ipv4" ? 32 : 128))))
      throw new Error(`TRUST_PROXY must be a number of proxy hops or a list of proxy addresses / CIDR ranges; "${entry}" is neither.`);
    if (prefix === null) list.addAddress(addr, type);
    else list.addSubnet(addr, prefix, type);
  }
  return { kind: "list", list };
}

/** "::ffff:1.2.3.4" (an IPv4 peer on a dual-stack socket) is 1.2.3.4. */
export const normalizeAddress = (a: string) => {
  const s = a.trim().replace(/^\[|\]$/g, "");
  return s.toLowerCase().startsWith("::ffff:") && net.isIPv4(s.slice(7)) ? s.slice(7) : s;
};

let cached: { raw: string | undefined; trust: TrustProxy } | undefined;
function trustFromEnv(): TrustProxy {
  const raw = process.env.TRUST_PROXY; // lib/env.ts checks it with parseTrustProxy from here, so it is read directly
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
  if (trust.kind === "hops") return chain[Math.max(0, chain.length - 1 - trust.hops)];
  let i = chain.length - 1;
  while (i > 0 && net.isIP(chain[i]) && trust.list.check(chain[i], net.isIPv4(chain[i]) ? "ipv4" : "ipv6")) i--;
  return chain[i];
}
