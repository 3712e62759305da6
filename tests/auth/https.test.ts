// One answer to "did the browser reach us over HTTPS?" for Secure cookies and for HSTS.
import { afterEach, describe, expect, it } from "vitest";
import { requestIsHttps } from "../../lib/auth/secure-cookie";
import { reachedOverHttps } from "../../lib/http/https";
import { servedOverHttps } from "../../lib/http/security-headers";

const saved = { url: process.env.NEXTAUTH_URL, secure: process.env.SECURE_COOKIES };
afterEach(() => {
  for (const [k, v] of [
    ["NEXTAUTH_URL", saved.url],
    ["SECURE_COOKIES", saved.secure],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("reached over HTTPS", () => {
  it("reads the URL, the proxy's X-Forwarded-Proto (first hop, any case) and NEXTAUTH_URL", () => {
    process.env.NEXTAUTH_URL = "http://localhost:3000";
    delete process.env.SECURE_COOKIES;
    expect(reachedOverHttps(new Headers(), "https://app.example/x")).toBe(true);
    expect(reachedOverHttps(new Headers({ "x-forwarded-proto": "HTTPS, http" }))).toBe(true);
    expect(reachedOverHttps({ "x-forwarded-proto": ["https"] })).toBe(true);
    expect(reachedOverHttps(new Headers({ "x-forwarded-proto": "http" }), "http://app.example/")).toBe(false);
    process.env.NEXTAUTH_URL = "https://app.example";
    expect(reachedOverHttps(new Headers(), "http://app.example/")).toBe(true);
  });

  it("HSTS and the Secure cookie decide alike, except where SECURE_COOKIES overrides the cookie", () => {
    process.env.NEXTAUTH_URL = "http://localhost:3000";
    delete process.env.SECURE_COOKIES;
    for (const proto of ["https", "http", "HTTPS"]) {
      const req = new Request("http://localhost:3000/", { headers: { "x-forwarded-proto": proto } });
      expect(servedOverHttps(req)).toBe(requestIsHttps(req.headers));
    }
    process.env.SECURE_COOKIES = "0";
    expect(requestIsHttps(new Headers({ "x-forwarded-proto": "https" }))).toBe(false);
    process.env.SECURE_COOKIES = "1";
    expect(requestIsHttps(new Headers())).toBe(true);
  });
});
