import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { nextTask } from "../../lib/labeling/queue";
import { LEASE } from "../../lib/labeling/sql/next-task";
import { inTransaction, run } from "../../lib/labeling/sql/transaction";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { makeProject, makeUser } from "../helpers/factories";

const pool = sqlPool();
const rank = (taskId: string, clientId = crypto.randomUUID()) => ({ clientId, taskId, tiers: "A > B > C > D", answers: [], timeSpentMs: 1000 });

describe("idempotency keys", () => {
  it("a ranking key reused on another task is a 409 with a sentence, not the first task's result", async () => {
    const { project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 1 });
    const u = await makeUser();
    const a = await nextTask(pool, u, { projectId: project.id });
    const key = crypto.randomUUID();
    const first = await submitRanking(pool, u, rank(a!.taskId, key));
    // A retry on the same task still gets the stored result.
    expect(await submitRanking(pool, u, rank(a!.taskId, key))).toEqual(first);
    const b = await nextTask(pool, u, { projectId: project.id });
    expect(b!.taskId).not.toBe(a!.taskId);
    await expect(submitRanking(pool, u, rank(b!.taskId, key))).rejects.toMatchObject({
      status: 409,
      message: "That submission id was already used for another task: send a new one for this task.",
    });
    // Nothing was written for the second task, and it is still leased to the labeler.
    expect(await db.ranking.count({ where: { taskId: b!.taskId } })).toBe(0);
    expect(await db.assignment.findFirst({ where: { taskId: b!.taskId, userId: u.id } })).toMatchObject({ status: "active" });
  });

  it("a demonstration key reused on another prompt is a 409 too", async () => {
    const { project } = await makeProject({ demoPrompts: 2, demonstrationsPerPrompt: 1 });
    const u = await makeUser();
    const key = crypto.randomUUID();
    const a = await nextTask(pool, u, { projectId: project.id });
    await submitDemonstration(pool, u, { clientId: key, taskId: a!.taskId, text: "a demonstration", timeSpentMs: 10 });
    const b = await nextTask(pool, u, { projectId: project.id });
    await expect(submitDemonstration(pool, u, { clientId: key, taskId: b!.taskId, text: "another one", timeSpentMs: 10 })).rejects.toMatchObject({
      status: 409,
      message: /already used for another task/,
    });
  });
});

describe("the lease", () => {
  it("never reopens an assignment that was submitted, even when PICK chose its task from a stale view", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 3 });
    const u = await makeUser();
    const a = await nextTask(pool, u, { projectId: project.id });
    await submitRanking(pool, u, rank(a!.taskId));
    // What next-task runs once PICK has locked the task: here for a labeler who already submitted it.
    const rows = await inTransaction(pool, (c) => run(c, LEASE, [a!.taskId, u.id]));
    expect(rows).toEqual([]);
    expect(await db.assignment.findFirst({ where: { taskId: a!.taskId, userId: u.id } })).toMatchObject({ status: "submitted" });
  });

  // On PostgreSQL 15 without the fix, 200 rounds hit the race (a 500 on the next submit) within
  // about 20 s; PGlite runs one transaction at a time, so there it only checks the outcome.
  it("a submit racing a next-task never leaves the submitted assignment active (run 200 times)", { timeout: 300_000 }, async () => {
    const u = await makeUser();
    let revived = 0;
    for (let i = 0; i < 200; i++) {
      const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 3 });
      const t = await nextTask(pool, u, { projectId: project.id });
      // The lease ran out, but its slot is still free: the submission is accepted, and next-task
      // does not resume it (it is not live), so both look at the same task at once.
      await db.assignment.update({ where: { id: t!.assignmentId }, data: { leasedUntil: new Date(Date.now() - 1000) } });
      const [submitted, next] = await Promise.all([submitRanking(pool, u, rank(t!.taskId)), nextTask(pool, u, { projectId: project.id })]);
      expect(submitted.comparisons).toBe(6);
      const row = await db.assignment.findFirstOrThrow({ where: { taskId: t!.taskId, userId: u.id } });
      if (row.status !== "submitted") revived++;
      // Next-task may have run first and renewed the lease (then the submit used it): fine. But a
      // task handed out again must never make a submit fail with a 500.
      if (next?.taskId === t!.taskId) {
        await expect(submitRanking(pool, u, rank(t!.taskId))).rejects.toMatchObject({ status: 409 });
      }
    }
    expect(revived).toBe(0);
  });
});
