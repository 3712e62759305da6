// The labeler's hot routes, answered by the web server before Next.js (lib/http/direct.ts), answer
// exactly as Next.js does. Two real web servers on one database, one with the table (the default)
// and one without (DIRECT_ROUTES=0), get the same requests: every refusal (no sign-in, an unknown
// token, a cross-site or tampered session, a wrong content type, an oversized or malformed body, a
// path parameter naming nothing) must get the same status, the same JSON and the same security
// headers from both. Then the work itself goes through the table: a token labeler and a signed-in
// one take, renew and submit tasks, and the database holds what they were told it stored.
import crypto from "node:crypto";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../lib/db/embedded";
import { DIRECT_ROUTES, directRouteModule, loadDirectRoutes } from "../../lib/http/direct";
import { seedLabeling, signIn, type Seeded } from "../helpers/labelers";
import { webServer, type WebServer } from "../helpers/web-server";

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One request over node:http (fetch cannot send a Content-Length that differs from its body). */
function send(base: string, method: string, url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** The headers a client or browser acts on; the rest (date, timing, keep-alive) differ between any two answers. */
const COMPARED = [
  "content-type",
  "x-content-type-options",
  "x-frame-options",
  "referrer-policy",
  "content-security-policy",
  "strict-transport-security",
  "set-cookie",
  "connection",
];
const picked = (h: http.IncomingHttpHeaders) => Object.fromEntries(COMPARED.filter((k) => h[k] !== undefined).map((k) => [k, h[k]]));

const NIL = "00000000-0000-0000-0000-000000000000";

describe("the routes the web server answers itself", { timeout: 240_000 }, () => {
  let seeded: Seeded;
  let direct: WebServer;
  let viaNext: WebServer;
  let cookie: string;
  const token = () => seeded.tokens[0]!.token;

  beforeAll(async () => {
    seeded = await seedLabeling({ name: "direct", answerSets: 8, rankingsPerTask: 1, labelers: 3 });
    direct = webServer(await freePort(), { DATABASE_URL: process.env.DATABASE_URL!, DATABASE_POOL_SIZE: "4" });
    viaNext = webServer(await freePort(), { DATABASE_URL: process.env.DATABASE_URL!, DATABASE_POOL_SIZE: "4", DIRECT_ROUTES: "0" });
    await Promise.all([direct.start(), viaNext.start()]);
    cookie = await signIn(direct.url, seeded.tokens[1]!.email, seeded.password);
  });
  afterAll(async () => {
    await Promise.all([direct?.stop(), viaNext?.stop()]);
  });

  it("names route files that export a handler made with route(), and matches only their exact paths", async () => {
    const routes = await loadDirectRoutes(process.cwd());
    const at = (method: string, url: string) => routes.match({ method, url } as http.IncomingMessage);
    for (const line of DIRECT_ROUTES) {
      const [method, pattern] = line.split(" ") as [string, string];
      expect(await directRouteModule(line), line).toBe(await import(path.join(process.cwd(), "app", pattern, "route.ts"))); // the import the line names
      const m = at(method, pattern.replace("[id]", "abc") + "?x=1");
      expect(m?.handler.spec.permission).toBe("tasks.work");
      expect(at("GET", pattern.replace("[id]", "abc"))).toBeNull();
    }
    expect(at("POST", "/api/assignments/abc/renew")?.params).toEqual({ id: "abc" });
    for (const url of ["/api/queue/next/", "/api/queue//next", "/api/queue/nexts", "/api/assignments/%61bc/renew", "/api/assignments//renew", "/api/tokens"])
      expect(at("POST", url), url).toBeNull();
  });

  it("refuses what Next.js refuses, with the same status, JSON and security headers", async () => {
    const json = { "content-type": "application/json" };
    const bearer = (t: string) => ({ ...json, authorization: `Bearer ${t}` });
    const session = (extra: Record<string, string> = {}) => ({ ...json, cookie, ...extra });
    const body = JSON.stringify({ projectId: seeded.projectId });
    // Headers are made per server: a session's Origin is the server's own.
    type Case = [string, string, string, (base: string) => Record<string, string>, string | undefined];
    const cases: Case[] = [
      ["no sign-in", "POST", "/api/queue/next", () => json, body],
      ["an unknown token", "POST", "/api/queue/next", () => bearer("rlhf_unknown"), body],
      ["a session without an Origin", "POST", "/api/queue/next", () => session(), body],
      ["a session from another site", "POST", "/api/queue/next", () => session({ origin: "http://evil.example" }), body],
      ["a session from another site (fetch metadata)", "POST", "/api/tasks/skip", () => session({ "sec-fetch-site": "cross-site" }), "{}"],
      ["a tampered session", "POST", "/api/queue/next", (base) => ({ ...json, cookie: cookie.slice(0, -6) + "AAAAAA", origin: base }), body],
      ["a text/plain body", "POST", "/api/queue/next", (base) => ({ ...session({ origin: base }), "content-type": "text/plain" }), body],
      ["a declared body over the limit", "POST", "/api/queue/next", () => ({ ...bearer(token()), "content-length": "20000" }), body.padEnd(20000)],
      ["a streamed body over the limit", "POST", "/api/tasks/ranking", () => ({ ...bearer(token()), "transfer-encoding": "chunked" }), "x".repeat(2_100_000)],
      ["a body that is not JSON", "POST", "/api/queue/next", () => bearer(token()), "{"],
      ["a body the schema refuses", "POST", "/api/queue/next", () => bearer(token()), JSON.stringify({ projectId: 5 })],
      [
        "a ranking of a task never leased",
        "POST",
        "/api/tasks/ranking",
        () => bearer(token()),
        JSON.stringify({ clientId: NIL, taskId: NIL, tiers: "A > B > C > D", timeSpentMs: 1000 }),
      ],
      ["renewing an assignment that does not exist", "POST", `/api/assignments/${NIL}/renew`, () => bearer(token()), undefined],
      ["releasing an assignment whose id is malformed", "POST", "/api/assignments/not-an-id/release", () => bearer(token()), undefined],
      ["a body on a bodiless route", "POST", `/api/assignments/${NIL}/renew`, () => bearer(token()), "x".repeat(4096)],
      ["over https, no sign-in", "POST", "/api/queue/next", () => ({ ...json, "x-forwarded-proto": "https" }), body],
      ["a method the route does not have", "GET", "/api/queue/next", () => bearer(token()), undefined],
    ];
    for (const [what, method, url, headers, payload] of cases) {
      const [a, b] = await Promise.all([direct.url, viaNext.url].map((base) => send(base, method, url, headers(base), payload)));
      expect(a.status, what).toBeGreaterThanOrEqual(400);
      expect({ status: a.status, body: a.body, headers: picked(a.headers) }, what).toEqual({ status: b.status, body: b.body, headers: picked(b.headers) });
      expect(a.headers["content-security-policy"], what).toBe("default-src 'none'; frame-ancestors 'none'");
      // the first server answered through the table (the GET, which it does not list, through Next.js), the second never
      expect(String(a.headers["server-timing"] ?? "").endsWith("direct"), what).toBe(method === "POST");
      expect(b.headers["server-timing"] ?? "", what).not.toMatch(/direct/);
    }
  });

  it("serves the labeler's loop through the table: a token labeler and a signed-in one take, renew and submit", async () => {
    const stored: string[] = [];
    for (const [who, auth] of [
      ["token", { authorization: `Bearer ${token()}` }],
      ["session", { cookie, origin: direct.url }],
    ] as const) {
      const headers = { ...auth, "content-type": "application/json" };
      const next = await send(direct.url, "POST", "/api/queue/next", headers, JSON.stringify({ projectId: seeded.projectId }));
      expect(next.status, who).toBe(200);
      expect(next.headers["server-timing"], who).toMatch(/auth;dur=.*app;dur=.*, direct$/);
      const task = (JSON.parse(next.body) as { task: { taskId: string; assignmentId: string; kind: string } }).task;
      expect(task.kind, who).toBe("ranking");
      const renew = await send(direct.url, "POST", `/api/assignments/${task.assignmentId}/renew`, { ...auth, "content-length": "0" });
      expect(renew.status, who).toBe(200);
      const submit = await send(
        direct.url,
        "POST",
        "/api/tasks/ranking",
        headers,
        JSON.stringify({ clientId: crypto.randomUUID(), taskId: task.taskId, tiers: "A > B = C > D", timeSpentMs: 1000 }),
      );
      expect(submit.status, `${who}: ${submit.body}`).toBe(200);
      stored.push((JSON.parse(submit.body) as { ranking: { id: string } }).ranking.id);
    }
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    try {
      const { rows } = await c.query(
        `SELECT r.id, u.email FROM "Ranking" r JOIN "User" u ON u.id = r."labelerId" WHERE r.id = ANY($1::uuid[]) ORDER BY u.email`,
        [stored],
      );
      expect(rows.map((r) => r.email).sort()).toEqual([seeded.tokens[0]!.email, seeded.tokens[1]!.email].sort());
    } finally {
      await c.end();
    }
  });
});
