// Body limits are enforced while the body streams: a 50 MB chunked body (no Content-Length) to the
// public routes and to signed-in routes is answered 413 after at most the route's limit has been
// pulled from the client, never after buffering the whole body.
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { BODY_LIMITS, limitStream, readBody, withBodyLimit } from "../../lib/http/body";
import { makeUser } from "../helpers/factories";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

const authRoute = await import("../../app/api/auth/[...nextauth]/route");
const acceptRoute = await import("../../app/api/invites/accept/route");
const usersRoute = await import("../../app/api/users/route");
const cancelRoute = await import("../../app/api/runs/[id]/cancel/route");
const importsRoute = await import("../../app/api/projects/[id]/imports/route");

const BASE = "http://localhost:3000";
const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A lazily generated body of `total` bytes; `pulled()` says how much the server asked for. */
function endless(total = 50 * MB, byte = 0x20) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled >= total) return c.close();
      const n = Math.min(CHUNK, total - pulled);
      pulled += n;
      c.enqueue(new Uint8Array(n).fill(byte));
    },
  });
  return { stream, pulled: () => pulled };
}

type NextInit = ConstructorParameters<typeof NextRequest>[1];
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

async function post(handler: unknown, url: string, contentType: string, params: Record<string, unknown> = {}) {
  const body = endless();
  const req = new NextRequest(BASE + url, {
    method: "POST",
    headers: { "content-type": contentType, origin: BASE },
    body: body.stream,
    duplex: "half",
  } as NextInit);
  const res = await (handler as Handler)(req, { params: Promise.resolve(params) });
  return { res, pulled: body.pulled() };
}

describe("the body limiter", () => {
  it("reads a body under the limit whole, and stops one chunk past the limit", async () => {
    const small = endless(100_000);
    const buf = await readBody(new Request(BASE, { method: "POST", body: small.stream, duplex: "half" } as RequestInit), 200_000);
    expect(buf.byteLength).toBe(100_000);
    const big = endless(10 * MB);
    await expect(readBody(new Request(BASE, { method: "POST", body: big.stream, duplex: "half" } as RequestInit), 200_000)).rejects.toMatchObject({
      status: 413,
    });
    expect(big.pulled()).toBeLessThanOrEqual(200_000 + 2 * CHUNK);
  });

  it("refuses a declared Content-Length over the limit before reading a byte", async () => {
    const body = endless(10 * MB);
    const req = new Request(BASE, { method: "POST", body: body.stream, duplex: "half", headers: { "content-length": "300000" } } as RequestInit);
    await expect(readBody(req, 200_000)).rejects.toMatchObject({ status: 413, message: "The request body is larger than 200000 bytes." });
    expect(body.pulled()).toBeLessThanOrEqual(CHUNK); // the stream's own read-ahead of one chunk, nothing read
  });

  it("cuts a streamed upload at its limit while it is read", async () => {
    const body = endless(3 * MB);
    const req = withBodyLimit(new Request(BASE, { method: "POST", body: body.stream, duplex: "half" } as RequestInit), MB, (init) => new Request(BASE, init));
    let got = 0;
    await expect(
      (async () => {
        for await (const c of limitStream(req.body!, Infinity)) got += c.byteLength;
      })(),
    ).rejects.toMatchObject({ status: 413 });
    expect(got).toBeLessThanOrEqual(MB);
    expect(body.pulled()).toBeLessThanOrEqual(MB + 2 * CHUNK);
  });
});

describe("50 MB chunked bodies get 413 without being buffered", () => {
  it("POST /api/auth/callback/credentials (next-auth reads its own body: the wrapper bounds it)", async () => {
    const body = endless();
    const req = new NextRequest(BASE + "/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: body.stream,
      duplex: "half",
    } as NextInit);
    const res = await (authRoute.POST as unknown as Handler)(req, { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) });
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    expect((await res.json()).error.code).toBe("too_large");
    expect(body.pulled()).toBeLessThanOrEqual(BODY_LIMITS.form + 2 * CHUNK);
  });

  it("POST /api/invites/accept (public)", async () => {
    const { res, pulled } = await post(acceptRoute.POST, "/api/invites/accept", "application/json");
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(10_000 + 2 * CHUNK);
  });

  it("a signed-in JSON route and a bodiless route", async () => {
    session.user = await makeUser("admin");
    const users = await post(usersRoute.POST, "/api/users", "application/json");
    expect(users.res.status).toBe(413);
    expect(users.pulled).toBeLessThanOrEqual(BODY_LIMITS.json + 2 * CHUNK);

    const cancel = await post(cancelRoute.POST, "/api/runs/x/cancel", "application/json", { id: "x" });
    expect(cancel.res.status).toBe(413);
    expect(cancel.pulled).toBeLessThanOrEqual(BODY_LIMITS.none + 2 * CHUNK);
  });
});

describe("declared lengths are refused before sign-in is even checked", () => {
  it("413 for a Content-Length over the route kind's limit, signed out", async () => {
    session.user = null;
    const req = (url: string, len: number) =>
      new NextRequest(BASE + url, { method: "POST", headers: { "content-type": "application/octet-stream", "content-length": String(len) }, body: "x" });
    const ctx = { params: Promise.resolve({ id: "00000000-0000-0000-0000-000000000000" }) };
    expect((await (importsRoute.POST as unknown as Handler)(req("/api/projects/x/imports", BODY_LIMITS.upload + 1), ctx)).status).toBe(413);
    expect((await (usersRoute.POST as unknown as Handler)(req("/api/users", BODY_LIMITS.json + 1), ctx)).status).toBe(413);
    expect((await (usersRoute.POST as unknown as Handler)(req("/api/users", 10), ctx)).status).toBe(401);
  });
});
