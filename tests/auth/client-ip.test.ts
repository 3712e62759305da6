import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientIp, PEER_HEADER } from "../../lib/auth/client-ip";
import { parseTrustProxy } from "../../lib/http/trust-proxy";
import { stampPeer } from "../../lib/http/peer";

const none = parseTrustProxy(undefined);

describe("clientIp", () => {
  it("is the socket's peer, whatever X-Forwarded-For a client sends, when no proxy is trusted", () => {
    const h = { [PEER_HEADER]: "203.0.113.9", "x-forwarded-for": "1.1.1.1, 2.2.2.2" };
    expect(clientIp(h, none)).toBe("203.0.113.9");
    expect(clientIp(new Headers(h), none)).toBe("203.0.113.9");
    expect(clientIp({ [PEER_HEADER]: "::ffff:10.0.0.7" }, none)).toBe("10.0.0.7");
  });

  it("is 'unknown', never a client-chosen value, without the server's stamp", () => {
    expect(clientIp({ "x-forwarded-for": "1.1.1.1", "x-real-ip": "2.2.2.2" }, none)).toBe("unknown");
    expect(clientIp({ "x-forwarded-for": "1.1.1.1" }, parseTrustProxy("1"))).toBe("unknown");
  });

  it("with TRUST_PROXY=n, takes the n-th address from the right of X-Forwarded-For + peer", () => {
    const h = { [PEER_HEADER]: "10.0.0.1", "x-forwarded-for": "6.6.6.6, 198.51.100.4" };
    expect(clientIp(h, parseTrustProxy("1"))).toBe("198.51.100.4");
    expect(clientIp(h, parseTrustProxy("2"))).toBe("6.6.6.6");
    expect(clientIp(h, parseTrustProxy("9"))).toBe("6.6.6.6");
    expect(clientIp({ [PEER_HEADER]: "10.0.0.1" }, parseTrustProxy("1"))).toBe("10.0.0.1");
  });

  it("with a list, skips trusted proxies from the right and stops at the first untrusted address", () => {
    const trust = parseTrustProxy("10.0.0.0/8, 192.168.1.5, ::1");
    const h = { [PEER_HEADER]: "10.0.0.1", "x-forwarded-for": "6.6.6.6, 198.51.100.4, 192.168.1.5" };
    expect(clientIp(h, trust)).toBe("198.51.100.4");
    // A peer that is not a listed proxy is the client, whatever it forwards.
    expect(clientIp({ [PEER_HEADER]: "203.0.113.1", "x-forwarded-for": "6.6.6.6" }, trust)).toBe("203.0.113.1");
  });

  it("refuses a TRUST_PROXY that is neither a number nor addresses, with a sentence", () => {
    expect(() => parseTrustProxy("yes please")).toThrow(/TRUST_PROXY must be a number of proxy hops or a list/);
    expect(() => parseTrustProxy("10.0.0.0/99")).toThrow(/"10\.0\.0\.0\/99" is neither/);
  });
});

describe("stampPeer", () => {
  it("replaces a client's copy of the peer header with the socket's address", async () => {
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      stampPeer(req);
      seen.push(req.headers[PEER_HEADER] as string | undefined);
      expect(req.rawHeaders.filter((h) => h.toLowerCase() === PEER_HEADER)).toEqual([]);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_HEADER]: "6.6.6.6", "x-forwarded-for": "6.6.6.6" } });
    server.close();
    expect(seen).toEqual(["127.0.0.1"]);
  });
});
