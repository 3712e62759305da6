// CSRF (issue 15, hole 6): a signed-in admin's browser, on a page of another port of the same host,
// posted `POST /api/users` with mode "no-cors" and text/plain, and a new admin was created. Cookie
// writes now need a same-origin Origin (or Sec-Fetch-Site: same-origin) and JSON; bearer-token calls
// are not cookie-borne and are exempt.
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import type { SessionUser } from "../../lib/auth/authenticate";
import { ROLE_PERMISSIONS } from "../../lib/auth/permissions";
import { db } from "../../lib/db";
import { assertSameOrigin, CROSS_SITE_MESSAGE } from "../../lib/http/same-origin";
import { makeProject, makeUser, uniq } from "../helpers/factories";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

const usersRoute = await import("../../app/api/users/route");
const exportsRoute = await import("../../app/api/exports/route");
const importsRoute = await import("../../app/api/projects/[id]/imports/route");
const authRoute = await import("../../app/api/auth/[...nextauth]/route");

const APP = "http://127.0.0.1:3000";
const EVIL = "http://127.0.0.1:8081";
type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

const newUser = () => ({ email: `${uniq("csrf")}@test.local`, name: "", role: "admin", password: "correct horse battery" });

async function createUser(headers: Record<string, string>, body = newUser()) {
  const req = new NextRequest(APP + "/api/users", { method: "POST", headers: { host: "127.0.0.1:3000", ...headers }, body: JSON.stringify(body) });
  const res = await (usersRoute.POST as unknown as Handler)(req, { params: Promise.resolve({}) });
  const created = await db.user.count({ where: { email: body.email } });
  return { res, created, json: await res.json() };
}

afterEach(() => {
  session.user = null;
});

describe("cookie-authenticated writes", () => {
  it("refuse the issue's attack: no-cors text/plain from another port of the same host", async () => {
    session.user = await makeUser("admin");
    const attack = await createUser({ "content-type": "text/plain;charset=UTF-8", origin: EVIL, "sec-fetch-site": "same-site" });
    expect(attack.res.status).toBe(403);
    expect(attack.json.error.message).toBe(CROSS_SITE_MESSAGE);
    expect(attack.created).toBe(0);
  });

  it("refuse another origin, a missing Origin, a cross-site Fetch Metadata header and a null Origin", async () => {
    session.user = await makeUser("admin");
    for (const headers of <Record<string, string>[]>[
      { origin: EVIL },
      { origin: "http://evil.example" },
      { origin: "null" },
      {},
      { "sec-fetch-site": "cross-site", origin: APP }, // Fetch Metadata wins over an Origin that looks right
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "none" },
    ]) {
      const r = await createUser({ "content-type": "application/json", ...headers });
      expect(r.res.status, JSON.stringify(headers)).toBe(403);
      expect(r.created).toBe(0);
    }
  });

  it("refuse a same-origin body that is not JSON with 415, and write nothing", async () => {
    session.user = await makeUser("admin");
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
      const r = await createUser({ "content-type": type, origin: APP });
      expect(r.res.status, type).toBe(415);
      expect(r.json.error.message).toBe("Send the request body as JSON with Content-Type: application/json.");
      expect(r.created).toBe(0);
    }
  });

  it("accept the app's own pages: Sec-Fetch-Site same-origin, or its Origin (by Host, or NEXTAUTH_URL behind a proxy)", async () => {
    session.user = await makeUser("admin");
    for (const headers of <Record<string, string>[]>[
      { "sec-fetch-site": "same-origin" },
      { origin: APP },
      { origin: APP, "content-type": "application/json; charset=utf-8" },
    ]) {
      const r = await createUser({ "content-type": "application/json", ...headers });
      expect(r.res.status, JSON.stringify(headers)).toBe(200);
      expect(r.created).toBe(1);
    }
    const prev = process.env.NEXTAUTH_URL;
    process.env.NEXTAUTH_URL = "https://studio.example";
    try {
      const proxied = (origin: string) => new NextRequest("http://127.0.0.1:3000/api/users", { method: "POST", headers: { host: "127.0.0.1:3000", origin } });
      expect(() => assertSameOrigin(proxied("https://studio.example"))).not.toThrow();
      expect(() => assertSameOrigin(proxied("https://evil.example"))).toThrow(CROSS_SITE_MESSAGE);
    } finally {
      if (prev === undefined) delete process.env.NEXTAUTH_URL;
      else process.env.NEXTAUTH_URL = prev;
    }
  });

  it("uploads take a non-form type (application/octet-stream) from the app's origin; text/plain gets 415", async () => {
    session.user = await makeUser("admin");
    const { project } = await makeProject();
    const upload = (type: string, origin = APP) =>
      (importsRoute.POST as unknown as Handler)(
        new NextRequest(`${APP}/api/projects/${project.id}/imports?kind=prompts&format=jsonl`, {
          method: "POST",
          headers: { "content-type": type, origin, host: "127.0.0.1:3000" },
          body: JSON.stringify({ prompt: `Hi ${uniq()}` }) + "\n",
        }),
        { params: Promise.resolve({ id: project.id }) },
      );
    const plain = await upload("text/plain");
    expect(plain.status, JSON.stringify(await plain.clone().json())).toBe(415);
    expect((await upload("application/octet-stream", EVIL)).status).toBe(403);
    const ok = await upload("application/octet-stream");
    expect(ok.status, JSON.stringify(await ok.clone().json())).toBe(200);
  });
});

describe("bearer-token calls", () => {
  it("are exempt: no Origin and no JSON content type needed", async () => {
    const u = await makeUser("researcher");
    const { token } = await createApiToken(db, u, { name: "ci", scopes: [...ROLE_PERMISSIONS.researcher] });
    const { project } = await makeProject({ rankingTasks: 1 });
    const res = await (exportsRoute.POST as unknown as Handler)(
      new NextRequest(APP + "/api/exports", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, origin: EVIL },
        body: JSON.stringify({ kind: "sft", projectId: project.id }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  });
});

describe("next-auth's forms", () => {
  it("refuse a sign-in posted from another origin before next-auth sees it", async () => {
    const res = await (authRoute.POST as unknown as Handler)(
      new NextRequest(APP + "/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: EVIL, host: "127.0.0.1:3000" },
        body: "email=admin%40localhost&password=x",
      }),
      { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) },
    );
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toBe(CROSS_SITE_MESSAGE);
  });
});
