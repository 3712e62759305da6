// SSRF from generate runs (issue 15, hole #3): an endpoint is reached only when its host is on the
// admin's allow-list; a name resolving to a private/loopback/link-local address is refused unless
// that address is listed; the connection goes to the address checked (no second lookup); redirects
// are not followed; and a run's error never carries the response body.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { checkEndpoint, EndpointRefused, parseAllowList, pinnedFetch, type Lookup } from "../../lib/generation/endpoint-guard";
import { OpenAIClient } from "../../lib/generation/openai-client";
import { runGenerate, type GenerateContext } from "../../lib/worker/handlers/generate";
import { addPrompt } from "../../lib/labeling/tasks";
import { allowEndpointHost } from "../helpers/allow-endpoint";
import { uniq } from "../helpers/factories";
import { seedProjectMembers } from "../../lib/membership/members";

const SECRET_BODY = "internal-only: admin password hunter2";
let server: http.Server;
let port = 0;
const requests: { url: string; host: string }[] = [];

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    for await (const chunk of req) void chunk;
    requests.push({ url: req.url ?? "", host: req.headers.host ?? "" });
    if (req.url === "/redirect/chat/completions") {
      res.writeHead(302, { location: "/secret" });
      return res.end(SECRET_BODY);
    }
    if (req.url === "/denied/chat/completions") {
      res.writeHead(401, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: { message: SECRET_BODY } }));
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ choices: [{ message: { content: "hello" } }, { message: { content: "there" } }] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const fakeDns =
  (table: Record<string, string[]>): Lookup =>
  async (host) => {
    const addresses = table[host];
    if (!addresses) throw new Error("ENOTFOUND");
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
const refusedWith = (p: Promise<unknown>) =>
  p.then(
    () => "allowed",
    (e: Error) => (e instanceof EndpointRefused ? e.message : `unexpected ${e.name}: ${e.message}`),
  );

describe("the endpoint allow-list", () => {
  const dns = fakeDns({
    "api.example.com": ["93.184.216.34"],
    "rebind.example.com": ["93.184.216.34", "127.0.0.1"],
    "vllm.internal": ["10.1.2.3"],
    "mapped.example.com": ["::ffff:127.0.0.1"],
    localhost: ["127.0.0.1"],
  });

  it("refuses a host that is not listed, and the loopback ports of the app and the database", async () => {
    const list = parseAllowList(["api.example.com"]);
    for (const url of [
      "http://evil.example.org/v1",
      "http://127.0.0.1:3000/api/users?x=",
      "http://127.0.0.1:5432/",
      "http://[::1]:8000/v1",
      "http://169.254.169.254/",
    ])
      expect(await refusedWith(checkEndpoint(url, list, dns))).toMatch(/is not on the allow-list of endpoint hosts/);
    expect(await refusedWith(checkEndpoint("https://api.example.com/v1", list, dns))).toBe("allowed");
  });

  it("refuses a listed name that resolves to a private or loopback address unless that address is listed", async () => {
    expect(await refusedWith(checkEndpoint("http://rebind.example.com/v1", parseAllowList(["rebind.example.com"]), dns))).toBe(
      "The endpoint host rebind.example.com resolves to 127.0.0.1, a private, loopback or link-local address that is not on the allow-list.",
    );
    expect(await refusedWith(checkEndpoint("http://mapped.example.com/v1", parseAllowList(["mapped.example.com"]), dns))).toMatch(
      /resolves to ::ffff:127\.0\.0\.1/,
    );
    expect(await refusedWith(checkEndpoint("http://vllm.internal:8000/v1", parseAllowList(["vllm.internal"]), dns))).toMatch(/resolves to 10\.1\.2\.3/);
    expect(await refusedWith(checkEndpoint("http://vllm.internal:8000/v1", parseAllowList(["vllm.internal", "10.0.0.0/8"]), dns))).toBe("allowed");
  });

  it("allows a loopback vLLM only when listed, and only on the listed port", async () => {
    const list = parseAllowList(["127.0.0.1:8000", "localhost:8001"]);
    expect(await refusedWith(checkEndpoint("http://127.0.0.1:8000/v1", list, dns))).toBe("allowed");
    expect(await refusedWith(checkEndpoint("http://localhost:8001/v1", list, dns))).toBe("allowed");
    expect(await refusedWith(checkEndpoint("http://127.0.0.1:3000/v1", list, dns))).toMatch(/not on the allow-list/);
    expect(await refusedWith(checkEndpoint("http://localhost:5432/v1", list, dns))).toMatch(/not on the allow-list/);
  });

  it("matches subdomains with *., refuses credentials in the URL, and names an entry it cannot read", async () => {
    const list = parseAllowList(["*.example.com"]);
    expect(await refusedWith(checkEndpoint("https://api.example.com/v1", list, dns))).toBe("allowed");
    expect(await refusedWith(checkEndpoint("https://example.com.evil.org/v1", list, dns))).toMatch(/not on the allow-list/);
    expect(await refusedWith(checkEndpoint("https://user:pw@api.example.com/v1", list, dns))).toMatch(/not in the URL/);
    expect(() => parseAllowList(["api.example.com/v1"])).toThrow('"api.example.com/v1" should be a host name only, without a path.');
    expect(() => parseAllowList(["10.0.0.0/99"])).toThrow('"10.0.0.0/99" is not a valid address range.');
  });
});

describe("the pinned fetch", () => {
  it("connects to the address it checked, never looking the name up again", async () => {
    // The name does not resolve at all: only the checked address can have been used.
    const target = await checkEndpoint(
      `http://model.invalid:${port}/v1`,
      parseAllowList([`model.invalid:${port}`, "127.0.0.1"]),
      fakeDns({ "model.invalid": ["127.0.0.1"] }),
    );
    requests.length = 0;
    const res = await pinnedFetch(target)(`http://model.invalid:${port}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    expect(requests).toEqual([{ url: "/v1/chat/completions", host: `model.invalid:${port}` }]);
    await expect(pinnedFetch(target)(`http://other.invalid:${port}/`)).rejects.toThrow("The request left the endpoint's host.");
  });

  it("does not follow a redirect, and a run's error carries the status only, never the body", async () => {
    const list = parseAllowList([`127.0.0.1:${port}`]);
    for (const [path, expected] of [
      ["/redirect", "The endpoint answered 302 Found."],
      ["/denied", "The endpoint answered 401 Unauthorized."],
    ]) {
      const target = await checkEndpoint(`http://127.0.0.1:${port}${path}`, list);
      requests.length = 0;
      const client = new OpenAIClient({ baseUrl: `http://127.0.0.1:${port}${path}`, model: "m", fetch: pinnedFetch(target), maxRetries: 0 });
      const err = await client.chat([{ role: "user", content: "hi" }], 1).catch((e: Error) => e);
      expect((err as Error).message).toBe(expected);
      expect((err as Error).message).not.toContain("hunter2");
      expect(requests.map((r) => r.url)).toEqual([`${path}/chat/completions`]); // /secret never asked for
    }
  });
});

describe("a generate run with an endpoint", () => {
  async function project() {
    const slug = uniq("ssrf");
    const p = await db.project.create({ data: { slug, name: slug, answersPerTask: 2, rankingsPerTask: 1, demonstrationsPerPrompt: 0 } });
    await db.$transaction((tx) => seedProjectMembers(tx, p.id, null, "everyone")); // as a new project takes everyone
    await db.$transaction((tx) => addPrompt(tx, p, { messages: [{ role: "user", content: "hi" }], format: "text" }));
    return p;
  }
  const context = (projectId: string, baseUrl: string): GenerateContext => ({
    run: {
      id: crypto.randomUUID(),
      config: { maxPrompts: 1, request: { source: { kind: "openai", baseUrl, model: "m", requestsPerMinute: 6000 } } },
      projectId,
      secrets: undefined,
    },
    signal: new AbortController().signal,
    progress: () => {},
    metrics: () => {},
    log: () => {},
  });

  it("is refused in the worker while the host is not listed (nothing is requested), and runs once an admin lists it", async () => {
    const p = await project();
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    requests.length = 0;
    await expect(runGenerate(context(p.id, baseUrl))).rejects.toThrow(`The endpoint host 127.0.0.1:${port} is not on the allow-list of endpoint hosts`);
    expect(requests).toEqual([]);
    await allowEndpointHost(`127.0.0.1:${port}`);
    expect(await runGenerate(context(p.id, baseUrl))).toMatchObject({ prompts: 1, tasks: 1 });
    expect(requests.map((r) => r.url)).toEqual(["/v1/chat/completions"]);
  });
});
