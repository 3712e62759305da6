// Every route answer says where its time went inside the server (lib/server-timing.ts): the token
// lookup, the wait for a pooled connection, the SQL round trips (and how many), the transaction and
// the whole handler. bench:queue reads these to tell the server's share of a latency from the instrument's.
import crypto from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { POST as nextTaskRoute } from "../../app/api/queue/next/route";
import { POST as rankingRoute } from "../../app/api/tasks/ranking/route";
import { createApiToken } from "../../lib/auth/api-tokens";
import { db } from "../../lib/db";
import type { RouteHandler } from "../../lib/http/handler";
import { makeProject, makeUser } from "../helpers/factories";

const post = (handler: RouteHandler, path: string, token: string, body: unknown) =>
  handler(
    new NextRequest(`http://localhost:3000${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );

/** The header, checked to hold durations ("name;dur=1.23") and the round-trip count ("trips;desc=3") only, as { name: ms or count }. */
function timings(res: Response): Record<string, number> {
  const value = res.headers.get("server-timing") ?? "";
  const entry = String.raw`([a-z]+;dur=\d+\.\d\d|trips;desc=\d+)`;
  expect(value).toMatch(new RegExp(`^${entry}(, ${entry})*$`));
  return Object.fromEntries([...value.matchAll(/([a-z]+);(?:dur|desc)=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
}

describe("Server-Timing on route answers", () => {
  it("splits a next-task and a submit into token lookup, pool wait, SQL, transaction and handler time", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    // No gold mix: the route rolls Math.random for a gold hand-out, and one time in goldEvery (20 by
    // default) that takes the step-by-step path, with its own round trips (CI saw 7 instead of 2).
    await db.project.update({ where: { id: project.id }, data: { goldEvery: 0 } });
    const u = await makeUser();
    const { token } = await createApiToken(db, u, { name: "timing", scopes: ["tasks:work"] });

    const next = await post(nextTaskRoute, "/api/queue/next", token, { projectId: project.id });
    expect(next.status).toBe(200);
    const taskId = ((await next.json()) as { task: { taskId: string } }).task.taskId;
    const submit = await post(rankingRoute, "/api/tasks/ranking", token, {
      clientId: crypto.randomUUID(),
      taskId,
      tiers: "A > B > C > D",
      answers: [],
      timeSpentMs: 5,
    });
    expect(submit.status).toBe(200);

    const [n, s] = [timings(next), timings(submit)];
    for (const t of [n, s]) {
      expect(Object.keys(t).sort()).toEqual(["app", "auth", "pool", "sql", "trips", "tx"]);
      expect(t.sql).toBeGreaterThan(0);
      // the token lookup, the pool wait and the SQL one after the other, inside the handler (2 decimals each)
      expect(t.app).toBeGreaterThanOrEqual(t.auth + t.pool + t.sql - 0.03);
      expect(t.app).toBeGreaterThanOrEqual(t.tx - 0.01);
    }
    // next-task's SQL is all in its transaction; a submit reads the task before its own
    expect(n.tx).toBeGreaterThanOrEqual(n.sql - 0.01);
    // Round trips: the token lookup (which also records its first use, in the same statement), then
    // next-task's transaction in one; a submit's task read, then its transaction (lock and write) in one.
    expect(n.trips).toBe(1 + 1);
    expect(s.trips).toBe(1 + 2);
  });

  it("is on refusals too: a bad token's 401 has the lookup (one round trip) and the handler, nothing else", async () => {
    const res = await post(nextTaskRoute, "/api/queue/next", "rlhf_not-a-token", {});
    expect(res.status).toBe(401);
    expect(timings(res)).toEqual({ app: expect.any(Number), auth: expect.any(Number), trips: 1 });
  });
});
