// A client for OpenAI-compatible chat endpoints (vLLM, TGI, Ollama, hosted APIs), on the official
// `openai` package: POST {baseUrl}/chat/completions with { model, messages, n, temperature, top_p,
// max_tokens, seed } and, with `stream`, stream: true (server-sent chunks, each choice's deltas joined). The package owns the HTTP: timeouts, and retries of a 429 after its Retry-After
// and of a 5xx or a network error with exponential backoff; any other 4xx fails at once. What stays
// ours, in the fetch the package is given: the requests-per-minute pacer and concurrency bound (every
// attempt, retries included, takes its turn; a streamed answer holds its slot until the stream ends), the backoff of an answer that gives no Retry-After (full
// jitter from baseDelayMs, handed to the package as `retry-after-ms`), and the connection itself —
// callers pass lib/generation/endpoint-guard.ts pinnedFetch, so every attempt goes to the checked,
// pinned address. Nothing is read from the environment (no OPENAI_API_KEY, base URL or organization
// reaches an endpoint by accident), the package's platform headers are not sent, and an error names the
// status and its reason phrase only: the response body is never copied into it and the key never appears.
import http from "node:http";
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

export type OpenAIClientOptions = {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Requests started per minute at most (default 60). */
  requestsPerMinute?: number;
  /** Requests in flight at most (default 4). */
  concurrency?: number;
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** First backoff for 5xx and network-less answers without Retry-After, doubled per retry (default 500 ms). */
  baseDelayMs?: number;
  /** Longest single wait, Retry-After included (default 60 s, the most the openai package waits). */
  maxDelayMs?: number;
  /** Per-request timeout (default 120 s). */
  timeoutMs?: number;
  /** Ask for streamed answers (stream: true): chunks of server-sent events, each choice's deltas joined (default false). */
  stream?: boolean;
  fetch?: typeof fetch;
};

export type ChatSampling = { temperature?: number; topP?: number; maxTokens?: number; seed?: number };

export class EndpointError extends Error {
  override name = "EndpointError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new EndpointError("The request was canceled."));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new EndpointError("The request was canceled."));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Seconds, or an HTTP date, to milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Replaces every occurrence of the secret (and its Bearer form) with "[redacted]". */
function redact(text: string, secret?: string): string {
  if (!secret) return text;
  return text.split(secret).join("[redacted]");
}

/** Paces request starts (one per 60/rpm seconds) and caps how many run at once. */
class Limiter {
  private nextStart = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly intervalMs: number,
    private readonly concurrency: number,
  ) {}

  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    const now = Date.now();
    const at = Math.max(now, this.nextStart);
    this.nextStart = at + this.intervalMs;
    try {
      if (at > now) await sleep(at - now, signal);
    } catch (e) {
      this.release();
      throw e;
    }
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

/** The placeholder the package needs when an endpoint takes no key; our fetch never sends it. */
const NO_KEY = "no-key";

export class OpenAIClient {
  private readonly limiter: Limiter;
  private readonly o: Required<Omit<OpenAIClientOptions, "apiKey">> & { apiKey?: string };
  private readonly sdk: OpenAI;

  constructor(options: OpenAIClientOptions) {
    this.o = {
      requestsPerMinute: 60,
      concurrency: 4,
      maxRetries: 5,
      baseDelayMs: 500,
      maxDelayMs: 60_000,
      timeoutMs: 120_000,
      stream: false,
      fetch: globalThis.fetch,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
    };
    this.limiter = new Limiter(60_000 / this.o.requestsPerMinute, this.o.concurrency);
    this.sdk = new OpenAI({
      apiKey: this.o.apiKey || NO_KEY,
      organization: null,
      project: null,
      webhookSecret: null,
      baseURL: this.o.baseUrl,
      maxRetries: this.o.maxRetries,
      timeout: this.o.timeoutMs,
      fetch: this.pacedFetch(),
    });
  }

  /** Every attempt the package makes waits for its turn, goes through the caller's fetch, and holds a slot until its answer is read. */
  private pacedFetch(): typeof fetch {
    const inner = this.o.fetch;
    return (async (input: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      const attempt = Number(headers.get("x-stainless-retry-count") ?? 0);
      for (const name of [...headers.keys()]) if (name.startsWith("x-stainless-")) headers.delete(name);
      if (!this.o.apiKey) headers.delete("authorization");
      await this.limiter.acquire(init.signal ?? undefined);
      let held = true;
      try {
        const res = await inner(input, { ...init, headers });
        if (res.ok && res.body && /^text\/event-stream\b/i.test(res.headers.get("content-type") ?? "")) {
          // A stream: handed on as it arrives; its slot is held until it ends, fails or is cancelled.
          held = false;
          return new Response(
            holdUntilDone(res.body, () => this.limiter.release()),
            { status: res.status, statusText: res.statusText, headers: res.headers },
          );
        }
        // Read the whole answer inside the slot, as the hand-written client did.
        const body = await res.arrayBuffer();
        const out = new Headers(res.headers);
        const retryable = res.status === 429 || res.status >= 500;
        if (retryable) {
          // Our wait, in the header the package reads first: Retry-After when given, else full jitter from baseDelayMs.
          const wait = res.status === 429 ? (retryAfterMs(res.headers.get("retry-after")) ?? this.backoff(attempt)) : this.backoff(attempt);
          out.set("retry-after-ms", String(Math.max(1, Math.round(Math.min(wait, this.o.maxDelayMs, 59_999))))); // 0 would read as "none"
        }
        return new Response(res.status === 204 || res.status === 205 || res.status === 304 ? null : body, {
          status: res.status,
          statusText: res.statusText,
          headers: out,
        });
      } finally {
        if (held) this.limiter.release();
      }
    }) as typeof fetch;
  }

  /** Full jitter: uniform in [0, base·2^attempt], capped. */
  private backoff(attempt: number): number {
    return Math.random() * Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** attempt);
  }

  /** `n` answers to one conversation (several requests when the server returns fewer choices than asked). */
  async chat(messages: ChatMessage[], n: number, s: ChatSampling = {}, signal?: AbortSignal): Promise<string[]> {
    const answers: string[] = [];
    for (let round = 0; answers.length < n; round++) {
      const want = n - answers.length;
      const got = await this.request(messages, want, s.seed === undefined ? s : { ...s, seed: s.seed + round }, signal);
      if (got.length === 0) throw new EndpointError("The endpoint answered with no choices.");
      answers.push(...got.slice(0, want));
    }
    return answers;
  }

  private async request(messages: ChatMessage[], n: number, s: ChatSampling, signal?: AbortSignal): Promise<string[]> {
    const body = {
      model: this.o.model,
      messages,
      n,
      ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
      ...(s.topP !== undefined ? { top_p: s.topP } : {}),
      ...(s.maxTokens !== undefined ? { max_tokens: s.maxTokens } : {}),
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
    };
    if (this.o.stream) return this.streamed(body, signal);
    let json: { choices?: { message?: { content?: unknown } }[] };
    try {
      json = (await this.sdk.chat.completions.create(body, { signal })) as typeof json;
    } catch (e) {
      throw this.failure(e, signal);
    }
    if (!json || typeof json !== "object") throw this.error("The endpoint's answer is not JSON.");
    if (!Array.isArray(json.choices)) throw this.error("The endpoint's answer has no choices list.");
    return json.choices.map((c) => (typeof c?.message?.content === "string" ? c.message.content : ""));
  }

  /** stream: true: each chunk's choices carry an index and a content delta; a choice's answer is its deltas joined. */
  private async streamed(body: Omit<OpenAI.ChatCompletionCreateParamsStreaming, "stream">, signal?: AbortSignal): Promise<string[]> {
    const answers: string[] = [];
    let chunks = 0;
    try {
      const stream = await this.sdk.chat.completions.create({ ...body, stream: true }, { signal });
      for await (const chunk of stream) {
        chunks++;
        if (!chunk || typeof chunk !== "object" || !Array.isArray(chunk.choices)) throw this.error("The endpoint streamed a chunk with no choices list.");
        for (const c of chunk.choices) {
          const i = typeof c?.index === "number" && Number.isInteger(c.index) && c.index >= 0 && c.index < 64 ? c.index : 0;
          while (answers.length <= i) answers.push("");
          if (typeof c?.delta?.content === "string") answers[i] += c.delta.content;
        }
      }
    } catch (e) {
      if (e instanceof EndpointError) throw e;
      throw this.failure(e, signal);
    }
    if (!chunks) throw this.error("The endpoint's stream ended before its first chunk.");
    return answers;
  }

  /** One sentence for what the package threw: a status and its reason phrase, never the body. */
  private failure(e: unknown, signal?: AbortSignal): EndpointError {
    if (e instanceof APIUserAbortError || signal?.aborted) return new EndpointError("The request was canceled.");
    if (e instanceof APIConnectionTimeoutError)
      return this.error(`The endpoint could not be reached: it did not answer within ${Math.round(this.o.timeoutMs / 1000)} s.`);
    if (e instanceof APIConnectionError) return this.error(`The endpoint could not be reached: ${unreachable((e as { cause?: unknown }).cause ?? e)}`);
    if (e instanceof APIError && typeof e.status === "number") {
      const retryable = e.status === 408 || e.status === 409 || e.status === 429 || e.status >= 500;
      const why = retryable ? ` (gave up after ${this.o.maxRetries + 1} attempts)` : "";
      return this.error(`The endpoint answered ${e.status}${shortReason(http.STATUS_CODES[e.status] ?? "")}${why}.`, e.status);
    }
    if (e instanceof SyntaxError) return this.error("The endpoint's answer is not JSON.");
    return this.error(`The request failed: ${unreachable(e)}`);
  }

  private error(message: string, status?: number): EndpointError {
    return new EndpointError(redact(message, this.o.apiKey), status);
  }
}

/** `body` passed through unchanged; `done` is called once, when it ends, fails or is cancelled. */
function holdUntilDone(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  let called = false;
  const finish = () => {
    if (!called) {
      called = true;
      done();
    }
  };
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (e) {
        finish();
        controller.error(e);
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason);
    },
  });
}

/** The reason phrase (" Unauthorized"), printable and short; empty when there is none. */
function shortReason(statusText: string): string {
  const reason = statusText
    .replace(/[^\x20-\x7e]/g, "")
    .trim()
    .slice(0, 40);
  return reason ? ` ${reason}` : "";
}

/** Why a request could not be made: an error code or the error's own first sentence, short. */
function unreachable(e: unknown): string {
  const err = e as { code?: unknown; cause?: { code?: unknown }; message?: unknown; name?: unknown };
  if (err?.name === "EndpointRefused" && typeof err.message === "string") return err.message;
  const code = typeof err?.cause?.code === "string" ? err.cause.code : typeof err?.code === "string" ? err.code : undefined;
  if (code) return code;
  return String(err?.message ?? e).slice(0, 100);
}
