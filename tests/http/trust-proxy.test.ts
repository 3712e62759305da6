import { describe, expect, it } from "vitest";
import { isTrustedProxy, parseTrustProxy, type TrustProxy } from "../../lib/http/trust-proxy";

const listOf = (t: TrustProxy) => {
  if (t.kind !== "list") throw new Error(`expected a list, got ${t.kind}`);
  return t.list;
};

describe("parseTrustProxy", () => {
  it("trusts no proxy when unset, empty, 0 or false", () => {
    for (const raw of [undefined, "", "  ", "0", "false", "FALSE"]) expect(parseTrustProxy(raw)).toEqual({ kind: "none" });
  });

  it("reads a whole number as that many proxy hops", () => {
    expect(parseTrustProxy("1")).toEqual({ kind: "hops", hops: 1 });
    expect(parseTrustProxy(" 12 ")).toEqual({ kind: "hops", hops: 12 });
  });

  it("reads a list of IPv4 and IPv6 addresses and CIDR ranges, and trusts exactly those", () => {
    const list = listOf(parseTrustProxy("10.0.0.0/8, 192.168.1.5,::1, 2001:db8::/32,"));
    for (const a of ["10.0.0.1", "10.255.255.255", "192.168.1.5", "::1", "2001:db8::7"]) expect(isTrustedProxy(list, a), a).toBe(true);
    for (const a of ["11.0.0.1", "192.168.1.6", "::2", "2001:db9::1", "unknown", ""]) expect(isTrustedProxy(list, a), a).toBe(false);
  });

  it("refuses anything else with one sentence naming the entry", () => {
    for (const [raw, entry] of [
      ["yes please", "yes please"],
      ["10.0.0.0/99", "10.0.0.0/99"],
      ["::1/129", "::1/129"],
      ["10.0.0.0/x", "10.0.0.0/x"],
      ["1.5", "1.5"],
      ["10.0.0.1, proxy.local", "proxy.local"],
    ])
      expect(() => parseTrustProxy(raw), raw).toThrow(
        `TRUST_PROXY must be a number of proxy hops or a list of proxy addresses / CIDR ranges; "${entry}" is neither.`,
      );
  });
});
