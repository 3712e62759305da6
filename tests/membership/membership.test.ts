// Project membership (issue 16): a labeler sees and gets work only from their projects; a user outside
// a project gets 404 on its task, export and run routes (through the real handlers); admins see all.
import crypto from "node:crypto";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db, sqlPool } from "../../lib/db";
import { waitingWork } from "../../lib/labeling/labeler-home";
import { nextTask } from "../../lib/labeling/queue";
import { projectsWhere } from "../../lib/membership/access";
import { removeMember, setMember } from "../../lib/membership/members";
import { listProjectRefs } from "../../lib/projects";
import { createUser } from "../../lib/users";
import { makeProject, makeUser, TEST_PASSWORD, uniq } from "../helpers/factories";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

const pool = sqlPool();
const APP = "http://127.0.0.1:3000";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call(as: SessionUser, mod: string, method: string, url: string, params: Record<string, string>, json?: unknown) {
  session.user = as;
  const handler = ((await import(/* @vite-ignore */ `../../app/api/${mod}/route.ts`)) as Record<string, Handler>)[method];
  const headers: Record<string, string> = { host: "127.0.0.1:3000" };
  if (method !== "GET") Object.assign(headers, { origin: APP, "content-type": "application/json" });
  const req = new NextRequest(APP + url, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const res = await handler(req, { params: Promise.resolve(params) });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

let inside: Awaited<ReturnType<typeof makeProject>>;
let outside: Awaited<ReturnType<typeof makeProject>>;
let labeler: SessionUser;
let researcher: SessionUser;
let admin: SessionUser;
let exportId: string;
let runId: string;

beforeAll(async () => {
  inside = await makeProject({ rankingTasks: 3, rankingsPerTask: 1 });
  outside = await makeProject({ rankingTasks: 3, rankingsPerTask: 1 });
  const mk = async (role: "labeler" | "researcher") => {
    const u = await createUser(db, null, { email: `${uniq(role)}@test.local`, name: "", role, password: TEST_PASSWORD, projectIds: [inside.project.id] });
    // Disabled (the lib calls below do not sign in), so the projects other test files make meanwhile,
    // which take every active user, leave it out: its any-project queue then takes none of their tasks.
    await db.user.update({ where: { id: u.id }, data: { disabled: true } });
    return { id: u.id, email: u.email, name: u.name, role: u.role };
  };
  labeler = await mk("labeler");
  researcher = await mk("researcher");
  admin = await makeUser("admin");
  exportId = (await db.export.create({ data: { projectId: outside.project.id, kind: "rm", createdById: admin.id } })).id;
  runId = (await db.trainingRun.create({ data: { kind: "pretrain", config: {}, projectId: outside.project.id, createdById: admin.id } })).id;
});

describe("project membership", () => {
  it("the API's project list (GET /api/v1/projects) names only the projects the token's owner may import into", async () => {
    const ids = async (u: SessionUser) => (await listProjectRefs(db, await projectsWhere(db, u, "prompts.import"))).map((p) => p.id);
    const forAdmin = await ids(admin);
    expect(forAdmin).toEqual(expect.arrayContaining([inside.project.id, outside.project.id]));
    for (const u of [labeler, researcher]) expect(await ids(u)).not.toContain(outside.project.id);
    expect(await ids(labeler)).toEqual([]); // a labeler imports nothing
  });

  it("a user created for one project is a member of it alone, with the project role their role implies", async () => {
    // (Projects other test files make meanwhile take everyone in: only these two projects are looked at.)
    const rows = await db.projectMember.findMany({
      where: { userId: { in: [labeler.id, researcher.id] }, projectId: { in: [inside.project.id, outside.project.id] } },
      orderBy: { role: "asc" },
    });
    expect(rows.map((r) => [r.projectId, r.role])).toEqual([
      [inside.project.id, "labeler"],
      [inside.project.id, "researcher"],
    ]);
  });

  it("the queue never hands a labeler another project's task, in any project or when asked for it", async () => {
    const got: string[] = [];
    for (let i = 0; i < 10; i++) {
      const t = await nextTask(pool, labeler);
      if (!t) break;
      expect(t.project.id).toBe(inside.project.id);
      got.push(t.taskId);
      await db.assignment.update({ where: { id: t.assignmentId }, data: { status: "skipped" } });
    }
    expect(got.sort()).toEqual([...inside.taskIds].sort());
    expect(await nextTask(pool, labeler, { projectId: outside.project.id })).toBeNull();
    const waiting = await waitingWork(db, labeler);
    expect(waiting.map((w) => w.projectId)).not.toContain(outside.project.id);
  });

  it("an admin gets work from every project, member or not", async () => {
    await db.projectMember.deleteMany({ where: { userId: admin.id, projectId: outside.project.id } });
    const t = await nextTask(pool, admin, { projectId: outside.project.id });
    expect(t?.project.id).toBe(outside.project.id);
  });

  it("a labeler outside a project gets 404 on its task routes and writes nothing", async () => {
    const taskId = outside.taskIds[1];
    const rank = await call(
      labeler,
      "tasks/ranking",
      "POST",
      "/api/tasks/ranking",
      {},
      {
        clientId: crypto.randomUUID(),
        taskId,
        tiers: "A > B > C > D",
        answers: [],
        timeSpentMs: 10,
      },
    );
    expect(rank.status).toBe(404);
    const skip = await call(labeler, "tasks/skip", "POST", "/api/tasks/skip", {}, { taskId, reason: "x", report: true });
    expect(skip.status).toBe(404);
    const next = await call(labeler, "queue/next", "POST", "/api/queue/next", {}, { projectId: outside.project.id });
    expect(next).toEqual({ status: 200, body: { task: null } });
    expect(await db.assignment.count({ where: { taskId, userId: labeler.id } })).toBe(0);
  });

  it("a researcher outside a project gets 404 on its export, run and import routes; inside, the checks pass", async () => {
    const p = { id: exportId };
    expect((await call(researcher, "exports/[id]", "GET", `/api/exports/${exportId}`, p)).status).toBe(404);
    expect((await call(researcher, "exports/[id]/files/[name]", "GET", `/api/exports/${exportId}/files/README.md`, { ...p, name: "README.md" })).status).toBe(
      404,
    );
    const made = await call(researcher, "exports", "POST", "/api/exports", {}, { kind: "rm", projectId: outside.project.id });
    expect(made.status).toBe(404);
    const all = await call(researcher, "exports", "POST", "/api/exports", {}, { kind: "rm" });
    expect(all.status).toBe(400);
    expect(all.body?.error).toMatchObject({ message: "Choose a project: you can export only the projects you are a member of." });
    const list = await call(researcher, "exports", "GET", "/api/exports", {});
    expect((list.body!.exports as { id: string }[]).map((e) => e.id)).not.toContain(exportId);
    for (const [mod, method] of [
      ["runs/[id]", "GET"],
      ["runs/[id]/metrics", "GET"],
      ["runs/[id]/metrics/csv", "GET"],
      ["runs/[id]/metrics/tensorboard", "GET"],
      ["runs/[id]/samples", "GET"],
      ["runs/[id]/cancel", "POST"],
      ["runs/[id]/resume", "POST"],
    ] as const)
      expect((await call(researcher, mod, method, `/api/runs/${runId}`, { id: runId })).status, mod).toBe(404);
    const runs = await call(researcher, "runs", "GET", "/api/runs", {});
    expect((runs.body!.runs as { id: string }[]).map((r) => r.id)).not.toContain(runId);
    const newRun = await call(researcher, "runs", "POST", "/api/runs", {}, { kind: "pretrain", projectId: outside.project.id, dataset: { source: "builtin" } });
    expect([400, 404]).toContain(newRun.status);
    // The admin reaches all of them.
    expect((await call(admin, "exports/[id]", "GET", `/api/exports/${exportId}`, p)).status).toBe(200);
    expect((await call(admin, "runs/[id]", "GET", `/api/runs/${runId}`, { id: runId })).status).toBe(200);
    expect((await call(admin, "runs/[id]/metrics/csv", "GET", `/api/runs/${runId}/metrics/csv`, { id: runId })).status).toBe(200);
  });

  it("adding a member opens the project to them; a labeler project role keeps a researcher from exporting it", async () => {
    await setMember(db, admin, outside.project.id, { userId: researcher.id, role: "labeler" });
    const asLabeler = await call(researcher, "exports", "POST", "/api/exports", {}, { kind: "rm", projectId: outside.project.id });
    expect(asLabeler.status).toBe(403);
    await setMember(db, admin, outside.project.id, { userId: researcher.id, role: "researcher" });
    expect((await call(researcher, "runs/[id]", "GET", `/api/runs/${runId}`, { id: runId })).status).toBe(200);
    await removeMember(db, admin, outside.project.id, researcher.id);
    expect((await call(researcher, "runs/[id]", "GET", `/api/runs/${runId}`, { id: runId })).status).toBe(404);
    const audit = await db.auditLog.findMany({ where: { targetId: outside.project.id, action: { startsWith: "project.member" } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["project.member.add", "project.member.role", "project.member.remove"]);
  });

  it("members routes: an admin lists, sets and removes; an unknown user gets one sentence and writes nothing", async () => {
    const list = await call(admin, "projects/[id]/members", "GET", `/api/projects/${inside.project.id}/members`, { id: inside.project.id });
    expect((list.body!.members as { userId: string }[]).map((m) => m.userId)).toContain(labeler.id);
    const bad = await call(
      admin,
      "projects/[id]/members",
      "PUT",
      `/api/projects/${inside.project.id}/members`,
      { id: inside.project.id },
      {
        userId: crypto.randomUUID(),
        role: "reviewer",
      },
    );
    expect(bad).toMatchObject({ status: 404, body: { error: { message: "That user was not found." } } });
    const del = await call(admin, "projects/[id]/members/[userId]", "DELETE", "/x", { id: inside.project.id, userId: labeler.id });
    expect(del.status).toBe(200);
    expect(await nextTask(pool, labeler)).toBeNull();
  });
});
