// The security route walk (issue 15): EVERY route file under app/api, found on disk so a new route
// cannot be missed, called through its real handler against the test database with: no sign-in,
// each role's session, each role's API token, a revoked token, an oversized body (declared and
// streamed), a wrong content type and a cross-origin Origin. ROUTES says what each route is; RULES
// says the status each kind of route must get for each case. Parameters name records that do not
// exist and bodies are empty or `{}`, so an allowed call answers 200/400/404 and writes nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import type { SessionUser } from "../../lib/auth/authenticate";
import { ROLE_PERMISSIONS, ROLES, roleCan, type Permission, type Role } from "../../lib/auth/permissions";
import { grantableScopes, SCOPES } from "../../lib/auth/scopes";
import { db } from "../../lib/db";
import { BODY_LIMITS, type BodyKind } from "../../lib/http/body";
import { maxUploadBytes } from "../../lib/models/upload";
import { makeUser } from "../helpers/factories";

// POST /api/models/uploads, when allowed, starts an (empty) upload folder: keep it out of the worktree.
process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "route-walk-"));

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

type Auth = "session" | "token" | "either" | "public" | "next-auth";
type Route = { auth: Auth; permission?: Permission; body: BodyKind; json?: unknown; limit?: () => number };

/**
 * Every route and method under app/api. `auth`: how it authenticates ("either": session cookie or
 * bearer token; "public": nobody signs in). `body`: what it reads (lib/http/body). `json`: the body
 * sent when a JSON body is needed (default `{}`), chosen so that an allowed call writes nothing.
 */
const NIL = "00000000-0000-0000-0000-000000000000";
const ROUTES: Record<string, Route> = {
  "POST /api/account/password": { auth: "session", permission: "account.self", body: "json" },
  "POST /api/account/sign-out-everywhere": { auth: "session", permission: "account.self", body: "none" },
  "POST /api/assignments/[id]/renew": { auth: "either", permission: "tasks.work", body: "none" },
  "POST /api/assignments/[id]/release": { auth: "either", permission: "tasks.work", body: "none" },
  "GET /api/auth/[...nextauth]": { auth: "next-auth", body: "none" },
  "POST /api/auth/[...nextauth]": { auth: "next-auth", body: "form" },
  "PUT /api/demonstrations/[id]": { auth: "either", permission: "tasks.work", body: "json" },
  "POST /api/demonstrations/[id]/undo": { auth: "either", permission: "tasks.work", body: "none" },
  "GET /api/exports/[id]/files/[name]": { auth: "either", permission: "datasets.export", body: "none" },
  "GET /api/exports/[id]": { auth: "either", permission: "datasets.export", body: "none" },
  "GET /api/exports": { auth: "either", permission: "datasets.export", body: "none" },
  "POST /api/exports": { auth: "either", permission: "datasets.export", body: "json" },
  "POST /api/invites/accept": { auth: "public", body: "json" },
  "POST /api/invites": { auth: "session", permission: "users.manage", body: "json" },
  "GET /api/models/[id]/files/[name]": { auth: "session", permission: "runs.read", body: "none" },
  "POST /api/models/[id]/onnx": { auth: "session", permission: "runs.create", body: "none" },
  "POST /api/models/import": { auth: "either", permission: "models.import", body: "json" },
  "POST /api/models/uploads": { auth: "either", permission: "models.import", body: "none" },
  "POST /api/models/uploads/[id]": { auth: "either", permission: "models.import", body: "json" },
  "DELETE /api/models/uploads/[id]": { auth: "either", permission: "models.import", body: "none" },
  "PUT /api/models/uploads/[id]/files/[name]": { auth: "either", permission: "models.import", body: "upload", limit: maxUploadBytes },
  "GET /api/settings/endpoints": { auth: "session", permission: "settings.manage", body: "none" },
  "PUT /api/settings/endpoints": { auth: "session", permission: "settings.manage", body: "json" },
  "GET /api/settings/hub": { auth: "session", permission: "settings.manage", body: "none" },
  "PUT /api/settings/hub": { auth: "session", permission: "settings.manage", body: "json" },
  "DELETE /api/settings/hub": { auth: "session", permission: "settings.manage", body: "none" },
  "POST /api/exports/[id]/hub": { auth: "session", permission: "settings.manage", body: "json" },
  "POST /api/models/[id]/hub": { auth: "session", permission: "settings.manage", body: "json" },
  "GET /api/hub/pushes/[id]": { auth: "session", permission: "settings.manage", body: "none" },
  "GET /api/models/[id]": { auth: "session", permission: "runs.read", body: "none" },
  "GET /api/models": { auth: "session", permission: "runs.read", body: "none" },
  "POST /api/playground": { auth: "session", permission: "runs.read", body: "json" },
  "PUT /api/projects/[id]/generator": { auth: "session", permission: "runs.create", body: "json" },
  "POST /api/projects/[id]/imports": { auth: "either", permission: "prompts.import", body: "upload" },
  "GET /api/projects/[id]/members": { auth: "session", permission: "projects.manage", body: "none" },
  "PUT /api/projects/[id]/members": { auth: "session", permission: "projects.manage", body: "json" },
  "DELETE /api/projects/[id]/members/[userId]": { auth: "session", permission: "projects.manage", body: "none" },
  "PUT /api/projects/[id]/label-schema": { auth: "either", permission: "projects.manage", body: "json" },
  "PATCH /api/projects/[id]": { auth: "either", permission: "projects.manage", body: "json" },
  "GET /api/projects": { auth: "either", permission: "projects.manage", body: "none" },
  "POST /api/projects": { auth: "either", permission: "projects.manage", body: "json" },
  "POST /api/queue/next": { auth: "either", permission: "tasks.work", body: "json", json: { projectId: NIL } },
  "GET /api/records": { auth: "session", permission: "labels.read_all", body: "none" },
  "POST /api/records/bulk": { auth: "session", permission: "labels.review", body: "json" },
  "GET /api/review": { auth: "session", permission: "labels.review", body: "none" },
  "GET /api/review/tasks/[id]": { auth: "session", permission: "labels.read_all", body: "none" },
  "POST /api/review/tasks/[id]": { auth: "session", permission: "labels.review", body: "json" },
  "PUT /api/rankings/[id]": { auth: "either", permission: "tasks.work", body: "json" },
  "POST /api/rankings/[id]/undo": { auth: "either", permission: "tasks.work", body: "none" },
  "POST /api/runs/[id]/cancel": { auth: "session", permission: "runs.create", body: "none" },
  "GET /api/runs/[id]/metrics": { auth: "session", permission: "runs.read", body: "none" },
  "GET /api/runs/[id]/metrics/csv": { auth: "either", permission: "runs.read", body: "none" },
  "GET /api/runs/[id]/metrics/tensorboard": { auth: "either", permission: "runs.read", body: "none" },
  "GET /api/runs/[id]/samples": { auth: "session", permission: "runs.read", body: "none" },
  "POST /api/runs/[id]/resume": { auth: "session", permission: "runs.create", body: "none" },
  "GET /api/runs/[id]": { auth: "session", permission: "runs.read", body: "none" },
  "GET /api/runs": { auth: "session", permission: "runs.read", body: "none" },
  "POST /api/runs": { auth: "session", permission: "runs.create", body: "json" },
  "POST /api/tasks/demonstration": { auth: "either", permission: "tasks.work", body: "json" },
  "POST /api/tasks/ranking": { auth: "either", permission: "tasks.work", body: "json" },
  "POST /api/tasks/skip": { auth: "either", permission: "tasks.work", body: "json" },
  "DELETE /api/tokens/[id]": { auth: "session", permission: "tokens.manage_own", body: "none" },
  "GET /api/tokens": { auth: "session", permission: "tokens.manage_own", body: "none" },
  "POST /api/tokens": { auth: "session", permission: "tokens.manage_own", body: "json" },
  "PATCH /api/users/[id]": { auth: "session", permission: "users.manage", body: "json" },
  "GET /api/users": { auth: "session", permission: "users.manage", body: "none" },
  "POST /api/users": { auth: "session", permission: "users.manage", body: "json" },
  "GET /api/v1/exports/[id]/files/[name]": { auth: "token", permission: "datasets.export", body: "none" },
  "GET /api/v1/exports/[id]": { auth: "token", permission: "datasets.export", body: "none" },
  "GET /api/v1/exports": { auth: "token", permission: "datasets.export", body: "none" },
  "POST /api/v1/exports": { auth: "token", permission: "datasets.export", body: "json" },
  "GET /api/v1/openapi.json": { auth: "public", body: "none" },
  "GET /api/v1/projects/[id]/agreement": { auth: "token", permission: "quality.read", body: "none" },
  "POST /api/v1/projects/[id]/imports": { auth: "token", permission: "prompts.import", body: "upload" },
  "GET /api/v1/projects": { auth: "token", permission: "prompts.import", body: "none" },
  "PUT /api/v1/projects/[id]/generator": { auth: "token", permission: "runs.create", body: "json" },
  "GET /api/v1/projects/[id]/quality": { auth: "token", permission: "quality.read", body: "none" },
  "GET /api/v1/runs": { auth: "token", permission: "runs.read", body: "none" },
  "POST /api/v1/runs": { auth: "token", permission: "runs.create", body: "json" },
  "GET /api/v1/runs/[id]": { auth: "token", permission: "runs.read", body: "none" },
  "GET /api/v1/runs/[id]/metrics": { auth: "token", permission: "runs.read", body: "none" },
  "GET /api/v1/runs/[id]/metrics/csv": { auth: "token", permission: "runs.read", body: "none" },
  "GET /api/v1/runs/[id]/metrics/tensorboard": { auth: "token", permission: "runs.read", body: "none" },
  "GET /api/v1/runs/[id]/samples": { auth: "token", permission: "runs.read", body: "none" },
  "POST /api/v1/models/uploads": { auth: "token", permission: "models.import", body: "none" },
  "POST /api/v1/models/uploads/[id]": { auth: "token", permission: "models.import", body: "json" },
  "DELETE /api/v1/models/uploads/[id]": { auth: "token", permission: "models.import", body: "none" },
  "PUT /api/v1/models/uploads/[id]/files/[name]": { auth: "token", permission: "models.import", body: "upload", limit: maxUploadBytes },
  "POST /api/v1/runs/[id]/cancel": { auth: "token", permission: "runs.create", body: "none" },
  "POST /api/v1/runs/[id]/resume": { auth: "token", permission: "runs.create", body: "none" },
  "GET /api/v1/models": { auth: "token", permission: "runs.read", body: "none" },
  "GET /api/v1/models/[id]": { auth: "token", permission: "runs.read", body: "none" },
  "GET /api/v1/models/[id]/files/[name]": { auth: "token", permission: "runs.read", body: "none" },
  "POST /api/v1/models/[id]/onnx": { auth: "token", permission: "runs.create", body: "none" },
  "POST /api/v1/models/import": { auth: "token", permission: "models.import", body: "json" },
};

/** The routes a signed-out client may get a 2xx from, and why. */
const PUBLIC_2XX: Record<string, string> = {
  "GET /api/v1/openapi.json": "the API's description: no data, needed before a client has a token",
  "GET /api/auth/[...nextauth]": "next-auth's CSRF token, providers and (empty) session",
  "POST /api/auth/[...nextauth]": "signing in and out",
  "POST /api/invites/accept": "the invite token in the body is the permission",
};

const isWrite = (method: string) => method !== "GET";
/** A status that means "allowed through": the handler ran and refused only the (empty) input. */
const ALLOWED = [200, 201, 400, 404, 409, 422];

/**
 * What each case must get. null: not applicable (next-auth's own handler needs Next's request
 * scope; it is reached only through the wrapper's early refusals, which are what is tested here).
 */
const RULES = {
  signedOut: (r: Route, method: string): number[] | null => (r.auth === "next-auth" ? null : r.auth === "public" ? (method === "GET" ? [200] : [400]) : [401]),
  session: (r: Route, role: Role): number[] | null =>
    r.auth === "next-auth" ? null : r.auth === "token" ? [401] : r.auth === "public" ? ALLOWED : roleCan(role, r.permission!) ? ALLOWED : [403],
  token: (r: Route, role: Role): number[] | null =>
    r.auth === "next-auth" ? null : r.auth === "session" ? [401] : r.auth === "public" ? ALLOWED : roleCan(role, r.permission!) ? ALLOWED : [403],
  revokedToken: (r: Route, method: string) => (r.auth === "next-auth" ? null : r.auth === "public" ? RULES.signedOut(r, method) : [401]),
  /** Content-Length over the route kind's limit: 413 before anything else, signed in or not. */
  declaredTooLarge: (r: Route, method: string) => (r.auth === "next-auth" && method === "GET" ? null : r.auth === "public" && method === "GET" ? null : [413]),
  /** A chunked body one byte over the limit, as the admin: 413 wherever a body is read. */
  /** (Uploads are cut at 512 MiB by the same limiter, tested in body-limits.test.ts; token-only routes answer 401 first.) */
  streamedTooLarge: (r: Route, method: string) => (!isWrite(method) || r.body === "upload" || r.auth === "token" ? null : [413]),
  /** text/plain from the app's own page, as the admin: JSON and upload routes refuse it. */
  wrongContentType: (r: Route, method: string) =>
    !isWrite(method) || r.auth === "next-auth" || r.auth === "token" ? null : r.body === "json" || r.body === "upload" ? [415] : ALLOWED,
  /** Origin http://127.0.0.1:8081 with the admin's cookie: every write refused; reads unaffected. */
  crossOrigin: (r: Route, method: string) =>
    r.auth === "token" || (r.auth === "next-auth" && method === "GET") ? null : !isWrite(method) ? ALLOWED : r.auth === "public" ? [400] : [403],
};

const APP = "http://127.0.0.1:3000";
const EVIL = "http://127.0.0.1:8081";
const apiRoot = path.resolve(import.meta.dirname, "../../app/api");

/** Every "METHOD /api/path" exported by a route.ts under app/api. */
function discover(): { op: string; file: string }[] {
  const out: { op: string; file: string }[] = [];
  const walk = (dir: string) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name === "route.ts") {
        const apiPath = ("/api/" + path.relative(apiRoot, dir).split(path.sep).join("/")).replace(/\/$/, "");
        const src = fs.readFileSync(p, "utf8");
        const methods = new Set<string>();
        for (const m of src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) methods.add(m[1]);
        for (const m of src.matchAll(/export \{([^}]*)\}/g)) for (const n of m[1].matchAll(/as (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) methods.add(n[1]);
        for (const method of methods) out.push({ op: `${method} ${apiPath}`, file: p });
      }
    }
  };
  walk(apiRoot);
  return out.sort((a, b) => a.op.localeCompare(b.op));
}

const found = discover();
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>;
const handlers: Record<string, Handler> = {};
for (const { op, file } of found) {
  const mod = (await import(/* @vite-ignore */ file)) as Record<string, Handler>;
  handlers[op] = mod[op.split(" ")[0]];
}

function paramsFor(apiPath: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [, rest, name] of apiPath.matchAll(/\[(\.\.\.)?(\w+)\]/g))
    params[name] = rest ? ["callback", "credentials"] : name === "name" ? "model.onnx" : NIL;
  return params;
}

type CallOpts = { auth?: string; headers?: Record<string, string>; body?: BodyInit | ReadableStream<Uint8Array>; contentType?: string };

async function call(op: string, opts: CallOpts = {}): Promise<Response> {
  const [method, apiPath] = op.split(" ");
  const route = ROUTES[op];
  const params = paramsFor(apiPath);
  const url = APP + apiPath.replace(/\[(\.\.\.)?(\w+)\]/g, (_, rest, n) => (rest ? "callback/credentials" : String(params[n])));
  const defaultBody = route.body === "json" ? JSON.stringify(route.json ?? {}) : route.body === "upload" ? "" : undefined;
  const headers: Record<string, string> = {
    host: "127.0.0.1:3000",
    ...(isWrite(method)
      ? { origin: APP, "content-type": opts.contentType ?? (route.body === "upload" ? "application/octet-stream" : "application/json") }
      : {}),
    ...(opts.auth ? { authorization: opts.auth } : {}),
    ...opts.headers,
  };
  const body = isWrite(method) ? (opts.body ?? defaultBody) : undefined;
  const req = new NextRequest(url, { method, headers, body, duplex: "half" } as ConstructorParameters<typeof NextRequest>[1]);
  const res = await handlers[op](req, { params: Promise.resolve(params) });
  await res.arrayBuffer().catch(() => undefined);
  return res;
}

const users: Partial<Record<Role, SessionUser>> = {};
/** Tokens made before scopes had their own names: they hold their role's permission names (lib/auth/scopes LEGACY). */
const tokens: Partial<Record<Role, string>> = {};
/** Tokens with every scope the role may grant. */
const scoped: Partial<Record<Role, string>> = {};
let revoked = "";
/** The admin's token with only tasks:work: 403 on every token route with another scope. */
let narrow = "";

beforeAll(async () => {
  for (const role of ROLES) {
    users[role] = await makeUser(role);
    tokens[role] = (await createApiToken(db, users[role]!, { name: "walk", scopes: [...ROLE_PERMISSIONS[role]] })).token;
    scoped[role] = (await createApiToken(db, users[role]!, { name: "scoped", scopes: grantableScopes(role) })).token;
  }
  narrow = (await createApiToken(db, users.admin!, { name: "narrow", scopes: ["tasks:work"] })).token;
  const r = await createApiToken(db, users.admin!, { name: "revoked", scopes: [...ROLE_PERMISSIONS.admin] });
  await db.apiToken.update({ where: { id: r.id }, data: { revokedAt: new Date() } });
  revoked = r.token;
});

/** Runs `check` over every route and collects the mismatches, so one failure lists them all. */
async function walk(rule: (r: Route, method: string) => number[] | null, send: (op: string) => Promise<Response>) {
  const wrong: string[] = [];
  let checked = 0;
  for (const { op } of found) {
    const expected = rule(ROUTES[op], op.split(" ")[0]);
    if (!expected) continue;
    const res = await send(op);
    checked++;
    if (!expected.includes(res.status)) wrong.push(`${op}: ${res.status}, expected ${expected.join("|")}`);
  }
  return { wrong, checked };
}

describe("the app/api route walk", () => {
  it("covers every route file and method under app/api (a new route must be added to ROUTES)", () => {
    expect(found.map((f) => f.op)).toEqual(Object.keys(ROUTES).sort((a, b) => a.localeCompare(b)));
    expect(found.length).toBeGreaterThanOrEqual(66);
    for (const op of Object.keys(PUBLIC_2XX)) expect(["public", "next-auth"]).toContain(ROUTES[op].auth);
    // the permission in the table is the one the route's handler asks for (route() keeps its options on the handler)
    for (const { op } of found) {
      const r = ROUTES[op];
      if (!r.permission) continue;
      const spec = (handlers[op] as Handler & { spec?: { permission: string; scope?: string } }).spec;
      expect(spec?.permission, op).toBe(r.permission);
      // a route that takes tokens names a scope, and a role that has the permission can grant it
      if (r.auth === "token" || r.auth === "either") {
        expect(spec?.scope, op).toBeDefined();
        for (const role of ROLES)
          if (roleCan(role, r.permission)) expect(roleCan(role, SCOPES[spec!.scope as keyof typeof SCOPES].grant), `${role} ${op}`).toBe(true);
      }
    }
  });

  it("signed out: 401 everywhere; a 2xx only on the listed public routes", async () => {
    session.user = null;
    const { wrong, checked } = await walk(RULES.signedOut, (op) => call(op));
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(40);
    for (const { op } of found) {
      if (ROUTES[op].auth === "next-auth") continue;
      const res = await call(op);
      if (res.status < 300) expect(Object.keys(PUBLIC_2XX), `${op} answered ${res.status} signed out`).toContain(op);
    }
  });

  for (const role of ROLES) {
    it(`${role}'s session: through where the role has the permission, 403 elsewhere, 401 on token-only routes`, async () => {
      session.user = users[role]!;
      try {
        const { wrong } = await walk(
          (r) => RULES.session(r, role),
          (op) => call(op),
        );
        expect(wrong).toEqual([]);
      } finally {
        session.user = null;
      }
    });

    it(`${role}'s API token: through where the role has the permission, 403 elsewhere, 401 on session-only routes`, async () => {
      const { wrong } = await walk(
        (r) => RULES.token(r, role),
        (op) => call(op, { auth: `Bearer ${tokens[role]}` }),
      );
      expect(wrong).toEqual([]);
    });
  }

  for (const role of ROLES)
    it(`${role}'s token with every scope the role may grant (scope names): the same as the role's permissions`, async () => {
      const { wrong } = await walk(
        (r) => RULES.token(r, role),
        (op) => call(op, { auth: `Bearer ${scoped[role]}` }),
      );
      expect(wrong).toEqual([]);
    });

  it("the admin's token with only tasks:work: through on the labeling routes, 403 on every other token route", async () => {
    const scopeOf = (op: string) => (handlers[op] as Handler & { spec?: { scope?: string } }).spec?.scope;
    const bad: string[] = [];
    for (const { op } of found) {
      const r = ROUTES[op];
      if (r.auth !== "token" && r.auth !== "either") continue;
      const res = await call(op, { auth: `Bearer ${narrow}` });
      const expected = scopeOf(op) === "tasks:work" ? ALLOWED : [403];
      if (!expected.includes(res.status)) bad.push(`${op}: ${res.status}, expected ${expected.join("|")}`);
    }
    expect(bad).toEqual([]);
    expect(found.filter(({ op }) => scopeOf(op) === "tasks:work").length).toBeGreaterThan(5);
  });

  it("a revoked token: 401 on every route", async () => {
    const { wrong, checked } = await walk(RULES.revokedToken, (op) => call(op, { auth: `Bearer ${revoked}` }));
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it("a malformed id in the path: 404 on every route with one, the same as an id that does not exist", async () => {
    const malformed = async (op: string, auth?: string) => {
      const [method, apiPath] = op.split(" ");
      const r = ROUTES[op];
      const params: Record<string, unknown> = { ...paramsFor(apiPath), id: "not-an-id" };
      const url = APP + apiPath.replace(/\[(\w+)\]/g, (_, n: string) => String(params[n])) + (r.body === "upload" ? "?kind=prompts&format=jsonl" : "");
      const contentType = r.body === "upload" ? "application/octet-stream" : "application/json";
      const headers: Record<string, string> = {
        host: "127.0.0.1:3000",
        ...(isWrite(method) ? { origin: APP, "content-type": contentType } : {}),
        ...(auth ? { authorization: auth } : {}),
      };
      const body = r.body === "json" ? "{}" : r.body === "upload" ? "x" : undefined;
      return handlers[op](new NextRequest(url, { method, headers, body }), { params: Promise.resolve(params) });
    };
    session.user = users.admin!;
    const wrong: string[] = [];
    let checked = 0;
    try {
      for (const { op } of found) {
        const r = ROUTES[op];
        if (!op.includes("[id]") || r.auth === "public" || r.auth === "next-auth") continue;
        const res = await malformed(op, r.auth === "token" ? `Bearer ${tokens.admin}` : undefined);
        checked++;
        if (res.status !== 404) wrong.push(`${op}: ${res.status}`);
      }
    } finally {
      session.user = null;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it("a declared Content-Length over the route kind's limit: 413 before sign-in is checked", async () => {
    session.user = null;
    const { wrong } = await walk(RULES.declaredTooLarge, (op) => {
      const limit = ROUTES[op].limit?.() ?? BODY_LIMITS[ROUTES[op].body];
      return call(op, { headers: { "content-length": String(limit + 1) }, body: isWrite(op.split(" ")[0]) ? "{}" : undefined });
    });
    expect(wrong).toEqual([]);
  });

  it("a streamed body one chunk past the limit, with no Content-Length, as the admin: 413", async () => {
    session.user = users.admin!;
    try {
      const { wrong, checked } = await walk(RULES.streamedTooLarge, (op) => {
        const limit = BODY_LIMITS[ROUTES[op].body];
        const chunk = new Uint8Array(64 * 1024).fill(0x20);
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent > limit) return c.close();
            sent += chunk.byteLength;
            c.enqueue(chunk);
          },
        });
        return call(op, { body, ...(ROUTES[op].auth === "next-auth" ? { contentType: "application/x-www-form-urlencoded" } : {}) });
      });
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(20);
    } finally {
      session.user = null;
    }
  });

  it("text/plain from the app's own page, as the admin: 415 on JSON and upload routes", async () => {
    session.user = users.admin!;
    try {
      const { wrong } = await walk(RULES.wrongContentType, (op) => call(op, { contentType: "text/plain;charset=UTF-8" }));
      expect(wrong).toEqual([]);
    } finally {
      session.user = null;
    }
  });

  it("a cross-origin Origin with the admin's cookie: 403 on every write", async () => {
    session.user = users.admin!;
    try {
      const { wrong } = await walk(RULES.crossOrigin, (op) => call(op, { headers: { origin: EVIL } }));
      expect(wrong).toEqual([]);
    } finally {
      session.user = null;
    }
  });
});
