// The OpenAI-compatible client with stream: true against a small local server that streams
// server-sent events as the chat completions API does (chunks of choices with content deltas, then
// `data: [DONE]`): the deltas of each choice are joined, a 429 before the stream is retried, a stream
// holds its concurrency slot until it ends, and a failure names the status, never the key or the body.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointError, OpenAIClient } from "../../lib/generation/openai-client";

const KEY = "sk-stream-secret-0123456789";
type Seen = { start: number; end: number; body: Record<string, unknown>; auth?: string };
type Plan = (i: number) => { status: number; headers?: Record<string, string>; events?: unknown[]; body?: unknown; gapMs?: number };

let server: http.Server;
let baseUrl = "";
let plan: Plan = () => ({ status: 200, events: [] });
let seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let raw = "";
    for await (const c of req) raw += c;
    const s: Seen = { start: Date.now(), end: 0, body: JSON.parse(raw) as Record<string, unknown>, auth: req.headers.authorization };
    const i = seen.push(s) - 1;
    const p = plan(i);
    if (p.status !== 200) {
      res.writeHead(p.status, { "content-type": "application/json", ...p.headers });
      res.end(JSON.stringify(p.body ?? { error: { message: `secret detail ${KEY}` } }));
      s.end = Date.now();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const e of p.events ?? []) {
      res.write(`data: ${JSON.stringify(e)}\n\n`);
      await new Promise((r) => setTimeout(r, p.gapMs ?? 0));
    }
    res.end("data: [DONE]\n\n");
    s.end = Date.now();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const chunk = (deltas: [index: number, content: string][]) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 0,
  model: "m",
  choices: deltas.map(([index, content]) => ({ index, delta: { content }, finish_reason: null })),
});
const messages = [{ role: "user" as const, content: "Say hi" }];

describe("OpenAIClient with stream: true", () => {
  it("asks for a stream and joins each choice's deltas, choices interleaved across chunks", async () => {
    seen = [];
    plan = () => ({
      status: 200,
      gapMs: 5,
      events: [
        chunk([[0, "Hel"]]),
        chunk([
          [1, "Good"],
          [0, "lo"],
        ]),
        chunk([[1, "bye"]]),
        chunk([[0, " there"]]),
        { ...chunk([]), choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
      ],
    });
    const client = new OpenAIClient({ baseUrl, model: "m-1", apiKey: KEY, stream: true, requestsPerMinute: 6000 });
    expect(await client.chat(messages, 2, { temperature: 0.5, maxTokens: 16 })).toEqual(["Hello there", "Goodbye"]);
    expect(seen).toHaveLength(1);
    expect(seen[0].body).toMatchObject({ model: "m-1", n: 2, stream: true, temperature: 0.5, max_tokens: 16 });
    expect(seen[0].auth).toBe(`Bearer ${KEY}`);
  });

  it("without stream sends no stream field (today's requests unchanged)", async () => {
    seen = [];
    plan = () => ({ status: 500 });
    const client = new OpenAIClient({ baseUrl, model: "m-1", maxRetries: 0, requestsPerMinute: 6000 });
    await expect(client.chat(messages, 1)).rejects.toThrow(EndpointError);
    expect(seen[0].body.stream).toBeUndefined();
  });

  it("retries a 429 after its Retry-After, then streams", async () => {
    seen = [];
    plan = (i) => (i === 0 ? { status: 429, headers: { "retry-after": "0.2" } } : { status: 200, events: [chunk([[0, "ok"]])] });
    const client = new OpenAIClient({ baseUrl, model: "m", stream: true, requestsPerMinute: 6000 });
    expect(await client.chat(messages, 1)).toEqual(["ok"]);
    expect(seen).toHaveLength(2);
    expect(seen[1].start - seen[0].start).toBeGreaterThanOrEqual(180);
  });

  it("holds a concurrency slot until the stream ends: with concurrency 1 the next request starts after it", async () => {
    seen = [];
    plan = () => ({ status: 200, gapMs: 40, events: [chunk([[0, "a"]]), chunk([[0, "b"]]), chunk([[0, "c"]])] });
    const client = new OpenAIClient({ baseUrl, model: "m", stream: true, concurrency: 1, requestsPerMinute: 60_000 });
    const both = await Promise.all([client.chat(messages, 1), client.chat(messages, 1)]);
    expect(both).toEqual([["abc"], ["abc"]]);
    expect(seen).toHaveLength(2);
    const [a, b] = [...seen].sort((x, y) => x.start - y.start);
    expect(b.start).toBeGreaterThanOrEqual(a.end);
  });

  it("fails a 401 at once with the status only: neither the key nor the body in the sentence", async () => {
    seen = [];
    plan = () => ({ status: 401 });
    const client = new OpenAIClient({ baseUrl, model: "m", apiKey: KEY, stream: true, requestsPerMinute: 6000 });
    const err = await client.chat(messages, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointError);
    expect((err as EndpointError).message).toBe("The endpoint answered 401 Unauthorized.");
    expect((err as EndpointError).message).not.toContain(KEY);
    expect(seen).toHaveLength(1);
  });

  it("refuses a stream that ends before its first chunk", async () => {
    plan = () => ({ status: 200, events: [] });
    const client = new OpenAIClient({ baseUrl, model: "m", stream: true, requestsPerMinute: 6000 });
    await expect(client.chat(messages, 1)).rejects.toThrow("The endpoint's stream ended before its first chunk.");
  });
});
