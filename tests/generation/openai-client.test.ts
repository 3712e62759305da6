// The OpenAI-compatible client against a small local server that speaks the protocol: retries a
// 429 after its Retry-After and a 500 with backoff, fails a 401 at once without leaking the key or the body,
// asks again when the server returns fewer choices than asked, and paces / bounds its requests.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointError, OpenAIClient, retryAfterMs } from "../../lib/generation/openai-client";

type Seen = {
  at: number;
  auth: string | undefined;
  body: { model: string; n: number; temperature?: number; top_p?: number; max_tokens?: number; seed?: number; messages: unknown[] };
};
type Plan = (req: Seen, i: number) => { status: number; headers?: Record<string, string>; body: unknown; delayMs?: number };

const KEY = "sk-test-very-secret-0123456789";
let server: http.Server;
let baseUrl = "";
let plan: Plan = () => ({ status: 200, body: {} });
let seen: Seen[] = [];
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let raw = "";
    for await (const c of req) raw += c;
    const s: Seen = { at: Date.now(), auth: req.headers.authorization, body: JSON.parse(raw) };
    const i = seen.push(s) - 1;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const r = plan(s, i);
    if (req.url !== "/v1/chat/completions") Object.assign(r, { status: 404, body: { error: { message: `no route ${req.url}` } } });
    await new Promise((d) => setTimeout(d, r.delayMs ?? 0));
    inFlight--;
    res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
    res.end(JSON.stringify(r.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const reset = (p: Plan) => {
  plan = p;
  seen = [];
  inFlight = maxInFlight = 0;
};
const ok = (n: number, prefix = "answer") => ({
  status: 200,
  body: { choices: Array.from({ length: n }, (_, j) => ({ index: j, message: { role: "assistant", content: `${prefix} ${j}` } })) },
});
const messages = [{ role: "user" as const, content: "Say hi" }];

describe("OpenAIClient", () => {
  it("retries a 429 after its Retry-After and a 500 with backoff, then returns the choices", async () => {
    reset((_, i) =>
      i === 0
        ? { status: 429, headers: { "retry-after": "1" }, body: { error: { message: "slow down" } } }
        : i === 1
          ? { status: 500, body: { error: { message: "boom" } } }
          : ok(3),
    );
    const client = new OpenAIClient({ baseUrl, model: "m-1", apiKey: KEY, baseDelayMs: 50, requestsPerMinute: 6000 });
    const answers = await client.chat(messages, 3, { temperature: 0.7, topP: 0.9, maxTokens: 32, seed: 5 });
    expect(answers).toEqual(["answer 0", "answer 1", "answer 2"]);
    expect(seen).toHaveLength(3);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(950); // Retry-After: 1 second honoured
    expect(seen[2].at - seen[1].at).toBeLessThan(900); // a 500 backs off from 50 ms, not seconds
    expect(seen[0].auth).toBe(`Bearer ${KEY}`);
    expect(seen[2].body).toEqual({ model: "m-1", messages, n: 3, temperature: 0.7, top_p: 0.9, max_tokens: 32, seed: 5 });
  });

  it("fails a 401 at once with the status and its reason only: neither the body nor the key", async () => {
    reset(() => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } }));
    const client = new OpenAIClient({ baseUrl, model: "m", apiKey: KEY, baseDelayMs: 10 });
    const err = await client.chat(messages, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointError);
    expect((err as EndpointError).status).toBe(401);
    expect((err as Error).message).toBe("The endpoint answered 401 Unauthorized.");
    expect((err as Error).message).not.toContain(KEY);
    expect(seen).toHaveLength(1);
  });

  it("gives up on a 5xx after maxRetries, naming the attempts", async () => {
    reset(() => ({ status: 503, body: "overloaded" }));
    const client = new OpenAIClient({ baseUrl, model: "m", maxRetries: 2, baseDelayMs: 5 });
    await expect(client.chat(messages, 1)).rejects.toThrow("The endpoint answered 503 Service Unavailable (gave up after 3 attempts).");
    expect(seen).toHaveLength(3);
  });

  it("asks again when the server returns fewer choices than n (servers that ignore n)", async () => {
    reset((s) => ({ ...ok(1, `seed ${s.body.seed}`) }));
    const client = new OpenAIClient({ baseUrl, model: "m", requestsPerMinute: 6000 });
    expect(await client.chat(messages, 3, { seed: 10 })).toEqual(["seed 10 0", "seed 11 0", "seed 12 0"]);
    expect(seen.map((s) => s.body.n)).toEqual([3, 2, 1]);
  });

  it("paces requests per minute and bounds concurrency", async () => {
    reset(() => ({ ...ok(1), delayMs: 150 }));
    const client = new OpenAIClient({ baseUrl, model: "m", requestsPerMinute: 600, concurrency: 2 }); // one start per 100 ms
    await Promise.all(Array.from({ length: 5 }, () => client.chat(messages, 1)));
    expect(maxInFlight).toBeLessThanOrEqual(2);
    const starts = seen.map((s) => s.at).sort((a, b) => a - b);
    expect(starts[4] - starts[0]).toBeGreaterThanOrEqual(380); // 5 starts at one per 100 ms span 400 ms (arrival jitter aside)
  });

  it("goes through the fetch it is given for every attempt, and sends no key from the environment when it has none", async () => {
    reset((_, i) => (i === 0 ? { status: 500, body: {} } : ok(1)));
    process.env.OPENAI_API_KEY = "sk-from-the-environment";
    try {
      const urls: string[] = [];
      const counting: typeof fetch = (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      };
      const client = new OpenAIClient({ baseUrl, model: "m", baseDelayMs: 5, requestsPerMinute: 6000, fetch: counting });
      expect(await client.chat(messages, 1)).toEqual(["answer 0"]);
      expect(urls).toEqual([`${baseUrl}chat/completions`, `${baseUrl}chat/completions`]);
      expect(seen.map((x) => x.auth)).toEqual([undefined, undefined]);
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 7_000)).toBe(3000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
