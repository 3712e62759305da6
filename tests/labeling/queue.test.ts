import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { nextTask, renewLease, skipTask } from "../../lib/labeling/queue";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { makeProject, makeUser } from "../helpers/factories";

const rank = (taskId: string, tiers: number[][] | string) => ({
  clientId: crypto.randomUUID(),
  taskId,
  tiers,
  answers: [],
  timeSpentMs: 1000,
});

describe("the queue", () => {
  it("leases a task, and resumes the same lease on the next call", async () => {
    const { project } = await makeProject({ rankingTasks: 2 });
    const u = await makeUser();
    const first = await nextTask(db, u, { projectId: project.id });
    expect(first?.kind).toBe("ranking");
    expect(first?.answers.map((a) => a.position)).toEqual([0, 1, 2, 3]);
    expect(new Date(first!.leaseExpiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    const again = await nextTask(db, u, { projectId: project.id });
    expect(again?.assignmentId).toBe(first?.assignmentId);
  });

  it("never gives a labeler a task they did or skipped", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 2, rankingsPerTask: 3 });
    const u = await makeUser();
    const a = await nextTask(db, u, { projectId: project.id });
    await submitRanking(db, u, rank(a!.taskId, "A > B > C > D"));
    const b = await nextTask(db, u, { projectId: project.id });
    expect(b!.taskId).not.toBe(a!.taskId);
    await skipTask(db, u, { taskId: b!.taskId, reason: "not my language", report: false });
    expect(await nextTask(db, u, { projectId: project.id })).toBeNull();
    expect(new Set([a!.taskId, b!.taskId])).toEqual(new Set(taskIds));
  });

  it("never puts more people on a task than results wanted, and frees a slot on skip", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 2 });
    const [u1, u2, u3] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    expect((await nextTask(db, u1, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    expect((await nextTask(db, u2, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    expect(await nextTask(db, u3, { projectId: project.id })).toBeNull();
    await skipTask(db, u2, { taskId: taskIds[0], reason: "unsure", report: true });
    expect((await nextTask(db, u3, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    const skipped = await db.assignment.findFirst({ where: { taskId: taskIds[0], userId: u2.id } });
    expect(skipped).toMatchObject({ status: "skipped", skipReason: "unsure", reported: true });
  });

  it("returns a task whose lease expired to the pool", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [u1, u2] = await Promise.all([makeUser(), makeUser()]);
    const a = await nextTask(db, u1, { projectId: project.id });
    expect(await nextTask(db, u2, { projectId: project.id })).toBeNull();
    await db.assignment.update({ where: { id: a!.assignmentId }, data: { leasedUntil: new Date(Date.now() - 1000) } });
    expect((await nextTask(db, u2, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    // u1's lease is gone and u2 holds the only slot: u1 can neither renew nor submit.
    await expect(renewLease(db, u1, a!.assignmentId)).rejects.toMatchObject({ status: 409 });
    await expect(submitRanking(db, u1, rank(taskIds[0], "A > B > C > D"))).rejects.toMatchObject({ status: 409 });
    expect(await db.ranking.count({ where: { taskId: taskIds[0] } })).toBe(0);
  });

  it("accepts a submission after the lease ran out while nobody took the slot", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const u = await makeUser();
    const a = await nextTask(db, u, { projectId: project.id });
    await db.assignment.update({ where: { id: a!.assignmentId }, data: { leasedUntil: new Date(Date.now() - 1000) } });
    await expect(renewLease(db, u, a!.assignmentId)).resolves.toHaveProperty("leaseExpiresAt");
    await expect(submitRanking(db, u, rank(a!.taskId, "A = B > C > D"))).resolves.toMatchObject({ ties: 1 });
  });

  it("filters by kind", async () => {
    const { project } = await makeProject({ rankingTasks: 1, demoPrompts: 1, demonstrationsPerPrompt: 1 });
    const u = await makeUser();
    expect((await nextTask(db, u, { projectId: project.id, kind: "demonstration" }))?.kind).toBe("demonstration");
    const u2 = await makeUser();
    expect((await nextTask(db, u2, { projectId: project.id, kind: "ranking" }))?.kind).toBe("ranking");
  });

  it("under 50 concurrent labelers hands out no slot twice and ends with exactly the wanted results", async () => {
    const tasks = 20;
    const wanted = 3;
    const { project, taskIds } = await makeProject({ rankingTasks: tasks, rankingsPerTask: wanted });
    const labelers = await Promise.all(Array.from({ length: 50 }, () => makeUser()));
    const handedOut: string[] = [];
    await Promise.all(
      labelers.map(async (u) => {
        for (;;) {
          const t = await nextTask(db, u, { projectId: project.id }).catch((e) => { console.log("ERRN", e.code, e.message, JSON.stringify(e.meta)); throw e; });
          if (!t) return;
          handedOut.push(`${t.taskId}:${u.id}`);
          await submitRanking(db, u, rank(t.taskId, "A > B > C = D")).catch((e) => { console.log("ERR", e.code, e.message, JSON.stringify(e.meta)); throw e; });
        }
      }),
    );
    expect(new Set(handedOut).size).toBe(handedOut.length);
    expect(handedOut.length).toBe(tasks * wanted);
    const rows = await db.task.findMany({ where: { id: { in: taskIds } }, select: { done: true, _count: { select: { rankings: true } } } });
    for (const r of rows) {
      expect(r.done).toBe(wanted);
      expect(r._count.rankings).toBe(wanted);
    }
  }, 180_000);
});

describe("submitting a ranking", () => {
  it("stores A > B > C = D as 5 comparisons and 1 tie, in one go", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const u = await makeUser();
    const t = await nextTask(db, u, { projectId: project.id });
    const result = await submitRanking(db, u, {
      ...rank(t!.taskId, [[0], [1], [2, 3]]),
      answers: [{ position: 0, likert: 7 }, { position: 3, likert: 2, flags: ["hallucination"] }],
    });
    expect(result).toMatchObject({ notation: "A > B > C = D", comparisons: 5, ties: 1 });
    const comps = await db.comparison.findMany({ where: { rankingId: result.id } });
    expect(comps).toHaveLength(6);
    expect(comps.filter((c) => c.tie)).toHaveLength(1);
    const answers = await db.rankingAnswer.findMany({ where: { rankingId: result.id }, include: { completion: true } });
    const d = answers.find((a) => a.completion.text.startsWith("answer 3"));
    expect(d).toMatchObject({ tier: 2, likert: 2, flags: ["hallucination"] });
    // chosen is always the better tier
    const a = answers.find((x) => x.completion.text.startsWith("answer 0"))!;
    expect(comps.filter((c) => c.chosenId === a.completionId && !c.tie)).toHaveLength(3);
  });

  it("is idempotent: the same client id twice stores one ranking", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const u = await makeUser();
    const t = await nextTask(db, u, { projectId: project.id });
    const input = rank(t!.taskId, "B > A > C > D");
    const [r1, r2] = await Promise.all([submitRanking(db, u, input), submitRanking(db, u, input)]);
    expect(r1.id).toBe(r2.id);
    expect(await submitRanking(db, u, input)).toEqual(r1);
    expect(await db.ranking.count({ where: { taskId: t!.taskId } })).toBe(1);
    expect(await db.comparison.count({ where: { taskId: t!.taskId } })).toBe(6);
  });

  it.each([
    ["leaves out an answer", "A > B > C"],
    ["names one twice", "A > B > C > A > D"],
    ["names one not in the task", "A > B > C > D > E"],
    ["has an empty tier", "A > > B > C = D"],
  ])("refuses a ranking that %s, writing nothing", async (_why, notation) => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const u = await makeUser();
    const t = await nextTask(db, u, { projectId: project.id });
    await expect(submitRanking(db, u, rank(t!.taskId, notation))).rejects.toMatchObject({ status: 400 });
    expect(await db.ranking.count({ where: { taskId: t!.taskId } })).toBe(0);
    expect(await db.comparison.count({ where: { taskId: t!.taskId } })).toBe(0);
    expect((await db.task.findUnique({ where: { id: t!.taskId } }))?.done).toBe(0);
  });

  it("refuses a labeler who does not hold the task (403)", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const [owner, other] = await Promise.all([makeUser(), makeUser()]);
    const t = await nextTask(db, owner, { projectId: project.id });
    await expect(submitRanking(db, other, rank(t!.taskId, "A > B > C > D"))).rejects.toMatchObject({ status: 403 });
  });
});

describe("submitting a demonstration", () => {
  it("stores it with the time spent, and refuses oversized text with 413", async () => {
    const { project } = await makeProject({ demoPrompts: 1, demonstrationsPerPrompt: 1, maxDemonstrationChars: 50 });
    const u = await makeUser();
    const t = await nextTask(db, u, { projectId: project.id, kind: "demonstration" });
    const tooLong = { clientId: crypto.randomUUID(), taskId: t!.taskId, text: "x".repeat(51), timeSpentMs: 5 };
    await expect(submitDemonstration(db, u, tooLong)).rejects.toMatchObject({ status: 413 });
    const ok = await submitDemonstration(db, u, { ...tooLong, text: "A fine answer.", timeSpentMs: 4200 });
    const row = await db.demonstration.findUnique({ where: { id: ok.id } });
    expect(row).toMatchObject({ text: "A fine answer.", timeSpentMs: 4200, authorId: u.id });
  });
});
