// TRUST_PROXY: which reverse proxies' X-Forwarded-For the app believes (lib/auth/client-ip.ts reads
// the client's address with it; lib/env.ts checks the variable with this parser at start-up).
//   unset / 0 / false  none: the peer is the client;
//   a number n         n proxies of yours stand in front;
//   a list             addresses or CIDR ranges of your proxies ("10.0.0.5, 192.168.0.0/16").
import net from "node:net";

export type TrustProxy = { kind: "none" } | { kind: "hops"; hops: number } | { kind: "list"; list: net.BlockList };

/** Parses TRUST_PROXY, or throws one sentence naming what is wrong. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = (raw ?? "").trim();
  if (v === "" || v === "0" || v.toLowerCase() === "false") return { kind: "none" };
  if (/^\d+$/.test(v)) return { kind: "hops", hops: Number(v) };
  const list = new net.BlockList();
  for (const entry of v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addr = "", bits] = entry.split("/");
    const type = net.isIPv4(addr) ? "ipv4" : net.isIPv6(addr) ? "ipv6" : null;
    const prefix = bits === undefined ? null : Number(bits);
    if (!type || (prefix !== null && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= (type === "ipv4" ? 32 : 128))))
      throw new Error(`TRUST_PROXY must be a number of proxy hops or a list of proxy addresses / CIDR ranges; "${entry}" is neither.`);
    if (prefix === null) list.addAddress(addr, type);
    else list.addSubnet(addr, prefix, type);
  }
  return { kind: "list", list };
}

/** Whether an address is one of a list's proxies (anything that is no IP address never is). */
export const isTrustedProxy = (list: net.BlockList, address: string): boolean =>
  net.isIP(address) !== 0 && list.check(address, net.isIPv4(address) ? "ipv4" : "ipv6");
