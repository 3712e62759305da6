// A client for OpenAI-compatible chat endpoints (vLLM, TGI, Ollama, hosted APIs):
// POST {baseUrl}/chat/completions with { model, messages, n, temperature, top_p, max_tokens, seed }.
// Requests are paced (requests per minute) and bounded (concurrency); a 429 is retried after its
// Retry-After, a 5xx or a network error with exponential backoff and full jitter, up to a cap;
// any other 4xx fails at once. An error names the status and its short reason phrase only: the
// response body is never copied into it (a run's error is shown to users, and the body of an
// internal server must not leak through it). The API key never appears in an error.

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
  /** First backoff for 5xx and network errors, doubled per retry (default 500 ms). */
  baseDelayMs?: number;
  /** Longest single wait, Retry-After included (default 60 s). */
  maxDelayMs?: number;
  /** Per-request timeout (default 120 s). */
  timeoutMs?: number;
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
export function redact(text: string, secret?: string): string {
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

export class OpenAIClient {
  private readonly limiter: Limiter;
  private readonly o: Required<Omit<OpenAIClientOptions, "apiKey">> & { apiKey?: string };

  constructor(options: OpenAIClientOptions) {
    this.o = {
      requestsPerMinute: 60,
      concurrency: 4,
      maxRetries: 5,
      baseDelayMs: 500,
      maxDelayMs: 60_000,
      timeoutMs: 120_000,
      fetch: globalThis.fetch,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
    };
    this.limiter = new Limiter(60_000 / this.o.requestsPerMinute, this.o.concurrency);
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
    const body = JSON.stringify({
      model: this.o.model,
      messages,
      n,
      ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
      ...(s.topP !== undefined ? { top_p: s.topP } : {}),
      ...(s.maxTokens !== undefined ? { max_tokens: s.maxTokens } : {}),
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
    });
    for (let attempt = 0; ; attempt++) {
      await this.limiter.acquire(signal);
      let res: Response;
      try {
        res = await this.o.fetch(`${this.o.baseUrl}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {}) },
          body,
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(this.o.timeoutMs)]) : AbortSignal.timeout(this.o.timeoutMs),
        });
      } catch (e) {
        this.limiter.release();
        if (signal?.aborted) throw new EndpointError("The request was canceled.");
        if (attempt >= this.o.maxRetries) throw this.error(`The endpoint could not be reached: ${unreachable(e)}`);
        await sleep(this.backoff(attempt), signal);
        continue;
      }
      const text = await res.text().catch(() => "");
      this.limiter.release();
      if (res.ok) return this.choices(text);
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || attempt >= this.o.maxRetries) {
        const why = retryable ? ` (gave up after ${attempt + 1} attempts)` : "";
        throw this.error(`The endpoint answered ${res.status}${shortReason(res.statusText)}${why}.`, res.status);
      }
      const wait = res.status === 429 ? (retryAfterMs(res.headers.get("retry-after")) ?? this.backoff(attempt)) : this.backoff(attempt);
      await sleep(Math.min(wait, this.o.maxDelayMs), signal);
    }
  }

  /** Full jitter: uniform in [0, base·2^attempt], capped. */
  private backoff(attempt: number): number {
    return Math.random() * Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** attempt);
  }

  private choices(text: string): string[] {
    let json: { choices?: { message?: { content?: unknown } }[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw this.error("The endpoint's answer is not JSON.");
    }
    if (!Array.isArray(json.choices)) throw this.error("The endpoint's answer has no choices list.");
    return json.choices.map((c) => (typeof c?.message?.content === "string" ? c.message.content : ""));
  }

  private error(message: string, status?: number): EndpointError {
    return new EndpointError(redact(message, this.o.apiKey), status);
  }
}

/** The reason phrase (" Unauthorized"), printable and short; empty when there is none. */
function shortReason(statusText: string): string {
  const reason = statusText.replace(/[^\x20-\x7e]/g, "").trim().slice(0, 40);
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
