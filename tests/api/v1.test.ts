// The /api/v1 API and personal tokens, through the real route handlers against the test database:
// every /api/v1 route with every role, a missing / unknown / revoked token (401), a token without the
// scope or whose owner's role lacks the permission (403), and the session routes that manage tokens.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createApiToken, hashToken } from "../../lib/auth/api-tokens";
import type { SessionUser } from "../../lib/auth/authenticate";
import { ROLE_PERMISSIONS, ROLES, roleCan, type Permission, type Role } from "../../lib/auth/permissions";
import { db } from "../../lib/db";
import { createExport } from "../../lib/exports/snapshot";
import { createExportInput } from "../../lib/validation/export";
import { makeProject, makeUser, uniq } from "../helpers/factories";

// The session routes read the signed-in user through getCurrentUser; the test sets who that is.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "api-v1-test-"));

const v1Projects = await import("../../app/api/v1/projects/route");
const v1Imports = await import("../../app/api/v1/projects/[id]/imports/route");
const v1Agreement = await import("../../app/api/v1/projects/[id]/agreement/route");
const v1Exports = await import("../../app/api/v1/exports/route");
const v1Export = await import("../../app/api/v1/exports/[id]/route");
const v1ExportFile = await import("../../app/api/v1/exports/[id]/files/[name]/route");
const openapi = await import("../../app/api/v1/openapi.json/route");
const openapiSpec = (await import("../../app/api/v1/openapi.json/document")).openapiSpec();
const tokensRoute = await import("../../app/api/tokens/route");
const tokenRoute = await import("../../app/api/tokens/[id]/route");

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Case = {
  /** "GET /api/v1/exports/{id}", as in the OpenAPI file. */
  op: string;
  permission: Permission;
  handler: Handler;
  url: () => string;
  params: () => Record<string, string>;
  body?: () => string;
};

const BASE = "http://localhost:3000";
let projectId = "";
let exportId = "";
let fileName = "";

const CASES: Case[] = [
  { op: "GET /api/v1/projects", permission: "prompts.import", handler: v1Projects.GET as Handler, url: () => "/api/v1/projects", params: () => ({}) },
  {
    op: "POST /api/v1/projects/{id}/imports",
    permission: "prompts.import",
    handler: v1Imports.POST as Handler,
    url: () => `/api/v1/projects/${projectId}/imports?kind=prompts&format=jsonl`,
    params: () => ({ id: projectId }),
    body: () => JSON.stringify({ prompt: `Say hi ${uniq()}` }) + "\n",
  },
  {
    op: "GET /api/v1/projects/{id}/agreement",
    permission: "quality.read",
    handler: v1Agreement.GET as Handler,
    url: () => `/api/v1/projects/${projectId}/agreement`,
    params: () => ({ id: projectId }),
  },
  { op: "GET /api/v1/exports", permission: "datasets.export", handler: v1Exports.GET as Handler, url: () => "/api/v1/exports", params: () => ({}) },
  {
    op: "POST /api/v1/exports",
    permission: "datasets.export",
    handler: v1Exports.POST as Handler,
    url: () => "/api/v1/exports",
    params: () => ({}),
    body: () => JSON.stringify({ kind: "sft", projectId }),
  },
  {
    op: "GET /api/v1/exports/{id}",
    permission: "datasets.export",
    handler: v1Export.GET as Handler,
    url: () => `/api/v1/exports/${exportId}`,
    params: () => ({ id: exportId }),
  },
  {
    op: "GET /api/v1/exports/{id}/files/{name}",
    permission: "datasets.export",
    handler: v1ExportFile.GET as Handler,
    url: () => `/api/v1/exports/${exportId}/files/${fileName}`,
    params: () => ({ id: exportId, name: fileName }),
  },
];

function call(c: Case, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const method = c.op.split(" ")[0];
  const req = new NextRequest(BASE + c.url(), { method, headers, body: c.body?.() });
  return c.handler(req, { params: Promise.resolve(c.params()) });
}

const bearer = (token: string) => `Bearer ${token}`;
const users: Partial<Record<Role, SessionUser>> = {};
const fullTokens: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  for (const role of ROLES) {
    const u = await makeUser(role);
    users[role] = u;
    fullTokens[role] = (await createApiToken(db, u, { name: "full", scopes: [...ROLE_PERMISSIONS[role]] })).token;
  }
  const { project } = await makeProject({ rankingTasks: 1 });
  projectId = project.id;
  const e = await createExport(db, users.admin!, createExportInput.parse({ kind: "sft", projectId }));
  exportId = e.id;
  fileName = e.files[0].name;
});

describe("the /api/v1 route walk", () => {
  it("covers every route file and method under app/api/v1, and the OpenAPI file describes each with its permission", () => {
    const root = path.resolve(import.meta.dirname, "../../app/api/v1");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (ent.name === "route.ts") {
          const rel = "/api/v1/" + path.relative(root, dir).split(path.sep).join("/");
          const apiPath = rel.replace(/\/$/, "").replace(/\[(\w+)\]/g, "{$1}");
          if (apiPath === "/api/v1/openapi.json") continue;
          const src = fs.readFileSync(p, "utf8");
          for (const m of src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) found.push(`${m[1]} ${apiPath}`);
        }
      }
    };
    walk(root);
    // every case here is a route file; every route file is in the document (the route walk calls each one)
    expect(found).toEqual(expect.arrayContaining(CASES.map((c) => c.op)));
    const paths = openapiSpec.paths as Record<string, Record<string, { "x-permission": string }>>;
    const documented = Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(found.sort());
    for (const c of CASES) {
      const [method, p] = c.op.split(" ");
      expect(paths[p][method.toLowerCase()]["x-permission"], c.op).toBe(c.permission);
    }
  });

  for (const role of ROLES) {
    it(`${role}: a token with every scope its role has gets 200 where the role has the permission and 403 elsewhere`, async () => {
      for (const c of CASES) {
        const res = await call(c, bearer(fullTokens[role]!));
        const expected = roleCan(role, c.permission) ? 200 : 403;
        expect(res.status, `${role} ${c.op}: ${res.status === 200 ? "" : JSON.stringify(await res.clone().json())}`).toBe(expected);
        if (expected === 403) expect((await res.json()).error.code).toBe("forbidden");
        else await res.arrayBuffer();
      }
    });

    it(`${role}: a token without the route's scope gets 403 on every route`, async () => {
      const u = users[role]!;
      const { token } = await createApiToken(db, u, { name: "narrow", scopes: ["account.self"] });
      for (const c of CASES) {
        const res = await call(c, bearer(token));
        expect(res.status, `${role} ${c.op}`).toBe(403);
      }
    });

    it(`${role}: a revoked token gets 401 on every route`, async () => {
      const u = users[role]!;
      const { id, token } = await createApiToken(db, u, { name: "revoked", scopes: [...ROLE_PERMISSIONS[role]] });
      await db.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
      for (const c of CASES) expect((await call(c, bearer(token))).status, `${role} ${c.op}`).toBe(401);
    });
  }

  it("refuses a missing, malformed, unknown or expired token with 401 on every route", async () => {
    const { token: expired } = await createApiToken(db, users.admin!, {
      name: "expired",
      scopes: [...ROLE_PERMISSIONS.admin],
      expiresAt: new Date(Date.now() - 1000),
    });
    for (const c of CASES) {
      for (const auth of [undefined, "Basic abc", "Bearer ", "Bearer rlhf_not-a-real-token", "Bearer nope", bearer(expired)]) {
        const res = await call(c, auth);
        expect(res.status, `${c.op} with ${auth}`).toBe(401);
        expect((await res.json()).error.code).toBe("unauthorized");
      }
    }
  });

  it("refuses a disabled owner's token, and records a token's use at most once a minute", async () => {
    const u = await makeUser("researcher");
    const { id, token } = await createApiToken(db, u, { name: "used", scopes: ["datasets.export"] });
    const list = CASES.find((c) => c.op === "GET /api/v1/exports")!;
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();
    expect((await call(list, bearer(token))).status).toBe(200);
    const first = (await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt!;
    expect(Date.now() - first.getTime()).toBeLessThan(60_000);
    expect((await call(list, bearer(token))).status).toBe(200);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).toEqual(first); // within the minute: no write
    await db.apiToken.update({ where: { id }, data: { lastUsedAt: new Date(Date.now() - 120_000) } });
    expect((await call(list, bearer(token))).status).toBe(200);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    await db.user.update({ where: { id: u.id }, data: { disabled: true } });
    expect((await call(list, bearer(token))).status).toBe(401);
  });

  it("refuses a session alone: /api/v1 wants a token even from a signed-in admin", async () => {
    session.user = users.admin!;
    try {
      for (const c of CASES) expect((await call(c)).status, c.op).toBe(401);
    } finally {
      session.user = null;
    }
  });

  it("checks the owner's role on every call, so a token stops exporting when its owner becomes a labeler", async () => {
    const u = await makeUser("researcher");
    const { token } = await createApiToken(db, u, { name: "x", scopes: ["datasets.export"] });
    const list = CASES.find((c) => c.op === "GET /api/v1/exports")!;
    expect((await call(list, bearer(token))).status).toBe(200);
    await db.user.update({ where: { id: u.id }, data: { role: "labeler" } });
    expect((await call(list, bearer(token))).status).toBe(403);
  });

  it("imports prompts, makes an export, downloads its file and reads agreement with a researcher's token", async () => {
    const t = bearer(fullTokens.researcher!);
    const imp = CASES.find((c) => c.op.startsWith("POST /api/v1/projects/"))!;
    const r1 = await call(imp, t);
    expect(await r1.json()).toMatchObject({ import: { kind: "prompts", records: 1, created: 1 } });

    const made = await call(
      CASES.find((c) => c.op === "POST /api/v1/exports")!,
      t,
    );
    const e = (await made.json()).export as { id: string; files: { name: string; sha256: string }[] };
    const got = await call(
      { ...CASES.find((c) => c.op === "GET /api/v1/exports/{id}")!, url: () => `/api/v1/exports/${e.id}`, params: () => ({ id: e.id }) },
      t,
    );
    expect((await got.json()).export.id).toBe(e.id);
    const file = e.files[0];
    const dl = await call({ ...CASES.find((c) => c.op.endsWith("/files/{name}"))!, url: () => `/x`, params: () => ({ id: e.id, name: file.name }) }, t);
    expect(dl.status).toBe(200);
    expect(dl.headers.get("x-content-sha256")).toBe(file.sha256);
    await dl.arrayBuffer();

    const ag = await call(
      CASES.find((c) => c.op.endsWith("/agreement"))!,
      t,
    );
    expect((await ag.json()).agreement).toMatchObject({ projectId, rankings: 0, rate: null, sharedPairs: 0 });

    const missing = await call({ ...CASES.find((c) => c.op.endsWith("/agreement"))!, params: () => ({ id: "not-a-uuid" }) }, t);
    expect(missing.status).toBe(404);
  });

  it("serves the OpenAPI 3.1 file without a token, with bearer auth", async () => {
    const res = openapi.GET();
    expect(res.status).toBe(200);
    const spec = await res.json();
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});

describe("managing tokens (session routes)", () => {
  const req = (url: string, method = "GET", json?: unknown) =>
    new NextRequest(BASE + url, {
      method,
      // a session write must come from the app's own origin (lib/http/same-origin)
      headers: json === undefined ? { origin: BASE } : { "content-type": "application/json", origin: BASE },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  const noParams = { params: Promise.resolve({}) };

  it("shows a new token once, stores only its hash, lists without secrets, and revokes it", async () => {
    const u = await makeUser("researcher");
    session.user = u;
    try {
      const res = await tokensRoute.POST(req("/api/tokens", "POST", { name: "ci", scopes: ["exports:read", "quality:read"] }), noParams);
      expect(res.status).toBe(200);
      const { token, apiToken } = await res.json();
      expect(token).toMatch(/^rlhf_/);
      expect(apiToken).toMatchObject({ name: "ci", scopes: ["exports:read", "quality:read"], revokedAt: null });
      expect(apiToken.tokenHash).toBeUndefined();
      const row = await db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id }, omit: { tokenHash: false } });
      expect(row.tokenHash).toBe(hashToken(token));
      expect(JSON.stringify(row)).not.toContain(token);

      const listed = await (await tokensRoute.GET(req("/api/tokens"), noParams)).json();
      expect(listed.tokens).toHaveLength(1);
      expect(JSON.stringify(listed)).not.toContain(token);
      expect(JSON.stringify(listed)).not.toContain(row.tokenHash);

      const list = CASES.find((c) => c.op === "GET /api/v1/exports")!;
      expect((await call(list, bearer(token))).status).toBe(200);
      const del = await tokenRoute.DELETE(req(`/api/tokens/${apiToken.id}`, "DELETE"), { params: Promise.resolve({ id: apiToken.id }) });
      expect(del.status).toBe(200);
      expect((await call(list, bearer(token))).status).toBe(401);
      // Revoking twice, or someone else's token, reads as not found.
      const again = await tokenRoute.DELETE(req(`/api/tokens/${apiToken.id}`, "DELETE"), { params: Promise.resolve({ id: apiToken.id }) });
      expect(again.status).toBe(404);
    } finally {
      session.user = null;
    }
  });

  it("will not let a labeler make a token that can export, and a labeler's token cannot export", async () => {
    const u = await makeUser("labeler");
    session.user = u;
    try {
      const res = await tokensRoute.POST(req("/api/tokens", "POST", { name: "sneaky", scopes: ["exports:read"] }), noParams);
      expect(res.status).toBe(403);
      expect(await db.apiToken.count({ where: { userId: u.id } })).toBe(0);
      const ok = await tokensRoute.POST(req("/api/tokens", "POST", { name: "mine", scopes: ["tasks:work"] }), noParams);
      const { token } = await ok.json();
      for (const c of CASES.filter((x) => x.permission === "datasets.export")) expect((await call(c, bearer(token))).status, c.op).toBe(403);
    } finally {
      session.user = null;
    }
  });

  it("will not revoke another user's token, rejects bad input, and refuses without a session or with only a token", async () => {
    const [a, b] = await Promise.all([makeUser("researcher"), makeUser("researcher")]);
    const { id, token } = await createApiToken(db, a, { name: "a's", scopes: ["quality.read"] });
    session.user = b;
    try {
      const res = await tokenRoute.DELETE(req(`/api/tokens/${id}`, "DELETE"), { params: Promise.resolve({ id }) });
      expect(res.status).toBe(404);
      expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
      expect((await tokensRoute.POST(req("/api/tokens", "POST", { name: "", scopes: ["quality:read"] }), noParams)).status).toBe(400);
      expect((await tokensRoute.POST(req("/api/tokens", "POST", { name: "x", scopes: [] }), noParams)).status).toBe(400);
      expect((await tokensRoute.POST(req("/api/tokens", "POST", { name: "x", scopes: ["root"] }), noParams)).status).toBe(400);
      expect((await tokensRoute.POST(req("/api/tokens", "POST", { name: "x", scopes: ["datasets.export"] }), noParams)).status).toBe(400);
    } finally {
      session.user = null;
    }
    expect((await tokensRoute.GET(req("/api/tokens"), noParams)).status).toBe(401);
    const withToken = new NextRequest(BASE + "/api/tokens", { headers: { authorization: bearer(token) } });
    expect((await tokensRoute.GET(withToken, noParams)).status).toBe(401);
  });
});
