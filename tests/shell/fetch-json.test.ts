// The browser's one way to call the API (components/ui/fetch-json.ts), against a real HTTP server:
// JSON in and out, and every failure one ApiError with the server's sentence, status and code.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorMessage, isLeaseLost } from "../../components/labeling/api";
import { ApiError, fetchJson, isUnreachable } from "../../components/ui/fetch-json";

let server: http.Server;
let base = "";
const seen: { method?: string; type?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      seen.push({ method: req.method, type: req.headers["content-type"], body });
      const send = (status: number, json: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      if (req.url === "/ok") return send(200, { echoed: JSON.parse(body || "null") });
      if (req.url === "/lost") return send(409, { error: { code: "lease_lost", message: "Your lease on this task expired and another labeler took it." } });
      if (req.url === "/invalid")
        return send(400, {
          error: { code: "bad_request", message: "The request is not valid.", issues: [{ path: "config.maxLr", message: "must be below 1" }] },
        });
      res.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("fetchJson", () => {
  it("sends JSON and returns the reply's JSON", async () => {
    expect(await fetchJson(`${base}/ok`, { method: "POST", json: { a: [1, 2] } })).toEqual({ echoed: { a: [1, 2] } });
    expect(seen.at(-1)).toEqual({ method: "POST", type: "application/json", body: '{"a":[1,2]}' });
  });

  it("throws ApiError with the server's sentence, status, code and field issues", async () => {
    const lost = await fetchJson(`${base}/lost`, { method: "POST" }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(ApiError);
    expect(lost).toMatchObject({ status: 409, code: "lease_lost", message: "Your lease on this task expired and another labeler took it." });
    expect(isLeaseLost(lost)).toBe(true);
    expect(errorMessage(lost)).toBe("Your lease on this task expired and another labeler took it.");
    const invalid = (await fetchJson(`${base}/invalid`).catch((e: unknown) => e)) as ApiError;
    expect(invalid.body?.error?.issues).toEqual([{ path: "config.maxLr", message: "must be below 1" }]);
    expect(isLeaseLost(invalid)).toBe(false);
  });

  it("says the status when the reply is no JSON, and status 0 when the server cannot be reached", async () => {
    await expect(fetchJson(`${base}/proxy-page`)).rejects.toMatchObject({ status: 502, code: undefined, message: "The request failed (502)." });
    const port = (server.address() as AddressInfo).port;
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(deadPort).not.toBe(port);
    const down = await fetchJson(`http://127.0.0.1:${deadPort}/ok`).catch((e: unknown) => e);
    expect(down).toMatchObject({ status: 0, message: "Could not reach the server; check your connection." });
    expect(isUnreachable(down)).toBe(true);
    // the labeling views keep their own reassurance for a network failure
    expect(errorMessage(down)).toBe("Could not reach the server. Check your connection and try again; your work is kept.");
  });
});
