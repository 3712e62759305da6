// Where generate runs may send requests: only to hosts on the admin's allow-list (Admin → Settings),
// and never, through DNS, to a private, loopback or link-local address that is not itself listed.
// The name is resolved once, the address checked, and the connection made to that address (no
// second lookup for a rebinding server to answer differently); redirects are not followed, and a
// response is read up to a size limit.
//
// Allow-list entries, one per line: `api.example.com`, `*.example.com` (any subdomain), a host with a
// port (`127.0.0.1:8000`, `localhost:8000`: that port only), an IP address, or a CIDR range
// (`10.0.0.0/8`). A special address is allowed when an entry names it (an IP, a range, or
// `localhost` for loopback); so `vllm.internal` resolving to 10.1.2.3 needs `10.1.2.3` (or its range) too.
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";

export class EndpointRefused extends Error {
  override name = "EndpointRefused";
}

type HostEntry = { host: string; wildcard: boolean; port?: number };
/** hosts: names and IPs (with their ports); ranges: CIDR entries; nets: ranges and listed IPs (the special addresses allowed). */
export type AllowList = { entries: string[]; hosts: HostEntry[]; ranges: net.BlockList; nets: net.BlockList };

/** Addresses never reached unless listed: private, loopback, link-local, CGNAT, multicast, reserved. */
const SPECIAL = new net.BlockList();
for (const [a, p] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  SPECIAL.addSubnet(a, p, "ipv4");
for (const [a, p] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
  ["2001:db8::", 32],
] as const)
  SPECIAL.addSubnet(a, p, "ipv6");

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it is. */
function unmap(address: string): { address: string; family: 4 | 6 } {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (v4 !== undefined) return { address: v4, family: 4 };
  return { address, family: net.isIPv4(address) ? 4 : 6 };
}

const isSpecial = (address: string) => {
  const a = unmap(address);
  return SPECIAL.check(a.address, a.family === 4 ? "ipv4" : "ipv6");
};
const isLoopback = (address: string) => {
  const a = unmap(address);
  return a.family === 4 ? a.address.startsWith("127.") : a.address === "::1";
};

/** Parses the allow-list; throws one sentence naming the first entry it cannot read. */
export function parseAllowList(lines: readonly string[]): AllowList {
  const list: AllowList = { entries: [], hosts: [], ranges: new net.BlockList(), nets: new net.BlockList() };
  for (const raw of lines) {
    const entry = raw.trim().toLowerCase();
    if (!entry || entry.startsWith("#")) continue;
    list.entries.push(entry);
    const [, cidrAddress, cidrBits] = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(entry) ?? [];
    if (cidrAddress !== undefined && cidrBits !== undefined) {
      const family = net.isIP(cidrAddress);
      const bits = Number(cidrBits);
      if (!family || bits > (family === 4 ? 32 : 128)) throw new EndpointRefused(`"${raw.trim()}" is not a valid address range.`);
      list.nets.addSubnet(cidrAddress, bits, family === 4 ? "ipv4" : "ipv6");
      list.ranges.addSubnet(cidrAddress, bits, family === 4 ? "ipv4" : "ipv6");
      continue;
    }
    const wildcard = entry.startsWith("*.");
    let url: URL;
    try {
      url = new URL(`http://${wildcard ? entry.slice(2) : entry}`);
    } catch {
      throw new EndpointRefused(`"${raw.trim()}" is not a host name, a host:port, an IP address or a range.`);
    }
    if (url.pathname !== "/" || url.username || url.search) throw new EndpointRefused(`"${raw.trim()}" should be a host name only, without a path.`);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    list.hosts.push({ host, wildcard, ...(url.port ? { port: Number(url.port) } : {}) });
    if (net.isIP(host)) list.nets.addAddress(host, net.isIPv4(host) ? "ipv4" : "ipv6");
  }
  return list;
}

const listed = (nets: net.BlockList, address: string) => {
  const a = unmap(address);
  return nets.check(a.address, a.family === 4 ? "ipv4" : "ipv6");
};

export type Target = { url: URL; address: string; family: 4 | 6 };
export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;
const systemLookup: Lookup = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/**
 * Checks an endpoint's base URL against the allow-list and resolves its host once. Returns the
 * address to connect to; throws EndpointRefused with one sentence.
 */
export async function checkEndpoint(baseUrl: string, list: AllowList, lookup: Lookup = systemLookup): Promise<Target> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EndpointRefused("The endpoint's base URL is not a URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new EndpointRefused("The endpoint's base URL must start with http:// or https://.");
  if (url.username || url.password) throw new EndpointRefused("Put the endpoint's key in the API key field, not in the URL.");
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const hostListed = list.hosts.some((e) => (e.wildcard ? host.endsWith(`.${e.host}`) : host === e.host) && (e.port === undefined || e.port === port));
  if (!hostListed && !(net.isIP(host) && listed(list.ranges, host)))
    throw new EndpointRefused(`The endpoint host ${url.host} is not on the allow-list of endpoint hosts; an admin can add it under Admin → Settings.`);
  let addresses: { address: string; family: number }[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) }];
  else {
    try {
      addresses = await lookup(host);
    } catch {
      throw new EndpointRefused(`The endpoint host ${host} could not be resolved.`);
    }
  }
  const first = addresses[0];
  if (first === undefined) throw new EndpointRefused(`The endpoint host ${host} could not be resolved.`);
  for (const a of addresses) {
    const allowed =
      !isSpecial(a.address) || listed(list.nets, a.address) || (isLoopback(a.address) && list.hosts.some((e) => e.host === "localhost" && !e.wildcard));
    if (!allowed)
      throw new EndpointRefused(`The endpoint host ${host} resolves to ${a.address}, a private, loopback or link-local address that is not on the allow-list.`);
  }
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/**
 * A fetch that reaches only `target`'s host, always at its checked address: no DNS lookup of its
 * own, no redirects (a 3xx comes back as it is), and an answer of at most `maxBytes`.
 */
export function pinnedFetch(target: Target, maxBytes = 16 * 1024 * 1024): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.host !== target.url.host || url.protocol !== target.url.protocol) throw new EndpointRefused("The request left the endpoint's host.");
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const body = typeof init.body === "string" ? init.body : undefined;
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    const pinned: net.LookupFunction = (_host, opts, cb) => {
      if ((opts as { all?: boolean }).all)
        (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
      else cb(null, target.address, target.family);
    };
    const mod = url.protocol === "https:" ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const req = mod.request(
        {
          hostname: url.hostname,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: init.method ?? "GET",
          headers,
          lookup: pinned,
          signal: init.signal ?? undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) {
              req.destroy();
              reject(new EndpointRefused(`The endpoint's answer is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB.`));
            } else chunks.push(c);
          });
          res.on("error", reject);
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 599) return reject(new EndpointRefused(`The endpoint answered with status ${status}.`));
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
            const noBody = status === 204 || status === 205 || status === 304;
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? "", headers: h }));
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }) as typeof fetch;
}
