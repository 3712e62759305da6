// Client-side JSON calls to the app's API, for every page and fetch wrapper (components/*/api.ts).
// A failed call throws ApiError: the server's one sentence as its message, the HTTP status, the
// error's code (e.g. "lease_lost") and, for a 400 from zod, its field issues. A server that cannot
// be reached is status 0.

export type ErrorBody = { error?: { code?: string; message?: string; issues?: { path: string; message: string }[] } } | null;

export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body?.error?.message ?? `The request failed (${status}).`);
    this.name = "ApiError";
  }

  /** The server's error code ("lease_lost", "not_found", ...), when it sent one. */
  get code(): string | undefined {
    return this.body?.error?.code;
  }
}

/** True when the call never reached the server (offline, DNS, connection refused). */
export const isUnreachable = (e: unknown): boolean => e instanceof ApiError && e.status === 0;

export async function fetchJson<T = unknown>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(url, {
      ...rest,
      headers: { ...(json !== undefined ? { "content-type": "application/json" } : {}), ...rest.headers },
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
  } catch {
    throw new ApiError(0, { error: { message: "Could not reach the server; check your connection." } });
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body as ErrorBody);
  return body as T;
}
