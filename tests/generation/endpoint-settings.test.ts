// The endpoint allow-list is an admin setting: only `settings.manage` (admins) reads or changes it,
// a bad entry is refused with one sentence and nothing written, and each change is audited.
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db } from "../../lib/db";
import { makeUser } from "../helpers/factories";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));
const settingsRoute = await import("../../app/api/settings/endpoints/route");

const call = (method: "GET" | "PUT", body?: unknown) =>
  settingsRoute[method](
    new NextRequest(
      "http://localhost/api/settings/endpoints",
      body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { "content-type": "application/json", origin: "http://localhost" } },
    ),
    { params: Promise.resolve({}) },
  );

describe("/api/settings/endpoints", () => {
  it("is for admins only", async () => {
    for (const role of ["labeler", "researcher"] as const) {
      session.user = await makeUser(role);
      expect((await call("GET")).status).toBe(403);
      expect((await call("PUT", { hosts: ["evil.example"] })).status).toBe(403);
    }
    session.user = null;
    expect((await call("GET")).status).toBe(401);
  });

  it("lets an admin add a host, refuses an unreadable entry with one sentence, and audits the change", async () => {
    session.user = await makeUser("admin");
    const current = ((await (await call("GET")).json()) as { hosts: string[] }).hosts;
    const bad = await call("PUT", { hosts: [...current, "api.example.com/v1"] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe('"api.example.com/v1" should be a host name only, without a path.');
    const ok = await call("PUT", { hosts: [...current, "  API.Example.com ", "", "# a comment"] });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { hosts: string[] }).hosts).toContain("api.example.com");
    expect(await db.auditLog.count({ where: { actorId: session.user.id, action: "settings.endpoint_allow_list" } })).toBe(1);
  });
});
