import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { editRanking } from "../../lib/labeling/edit";
import { nextTask } from "../../lib/labeling/queue";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { undoDemonstration, undoRanking } from "../../lib/labeling/undo";
import { makeProject, makeUser } from "../helpers/factories";

const pool = sqlPool();
const rank = (u: Awaited<ReturnType<typeof makeUser>>, taskId: string, tiers = "A > B > C > D") =>
  submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId, tiers, answers: [{ position: 1, likert: 6, flags: ["hallucination"] }], timeSpentMs: 5 });

describe("undo of the last submission", () => {
  it("removes the ranking, its comparisons and answers, lowers done and gives the task back as the labeler's lease", async () => {
    const { project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 1 });
    const u = await makeUser();
    const t = await nextTask(pool, u, { projectId: project.id });
    const r = await rank(u, t!.taskId);
    expect((await db.task.findUnique({ where: { id: t!.taskId } }))!.done).toBe(1);
    const undone = await undoRanking(db, u, r.id);
    expect(undone).toMatchObject({ taskId: t!.taskId, assignmentId: t!.assignmentId, tiers: [[0], [1], [2], [3]] });
    expect(undone.answers[1]).toEqual({ position: 1, likert: 6, flags: ["hallucination"] });
    expect(await db.ranking.count({ where: { id: r.id } })).toBe(0);
    expect(await db.comparison.count({ where: { rankingId: r.id } })).toBe(0);
    expect((await db.task.findUnique({ where: { id: t!.taskId } }))!.done).toBe(0);
    const a = await db.assignment.findUnique({ where: { id: t!.assignmentId } });
    expect(a!.status).toBe("active");
    expect(a!.leasedUntil.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    // the queue hands the same task straight back, and it can be submitted again
    const again = await nextTask(pool, u, { projectId: project.id });
    expect(again!.taskId).toBe(t!.taskId);
    await rank(u, t!.taskId, "D > C > B > A");
    const log = await db.auditLog.findFirst({ where: { action: "ranking.undo", targetId: r.id } });
    expect(log?.actorId).toBe(u.id);
    expect(log?.detail).toMatchObject({ notation: "A > B > C > D", taskId: t!.taskId });
  });

  it("refuses someone else's work, an older submission, and a submission past the window", async () => {
    const { project } = await makeProject({ rankingTasks: 3, rankingsPerTask: 1 });
    const [u, other] = await Promise.all([makeUser(), makeUser()]);
    const t1 = await nextTask(pool, u, { projectId: project.id });
    const r1 = await rank(u, t1!.taskId);
    await expect(undoRanking(db, other, r1.id)).rejects.toMatchObject({ status: 404 });
    const t2 = await nextTask(pool, u, { projectId: project.id });
    const r2 = await rank(u, t2!.taskId);
    await expect(undoRanking(db, u, r1.id)).rejects.toThrow(/Only your last submission/);
    await db.ranking.update({ where: { id: r2.id }, data: { createdAt: new Date(Date.now() - 31_000) } });
    await expect(undoRanking(db, u, r2.id)).rejects.toThrow(/30-second undo window has passed/);
    // nothing was written by the refusals
    expect(await db.ranking.count({ where: { id: { in: [r1.id, r2.id] } } })).toBe(2);
    expect(await db.auditLog.count({ where: { action: "ranking.undo", targetId: { in: [r1.id, r2.id] } } })).toBe(0);
    // the window is a project setting; 0 turns undo off
    await db.project.update({ where: { id: project.id }, data: { undoSeconds: 0 } });
    const t3 = await nextTask(pool, u, { projectId: project.id });
    const r3 = await rank(u, t3!.taskId);
    await expect(undoRanking(db, u, r3.id)).rejects.toThrow(/does not allow undo/);
  });

  it("undoes a demonstration; edits after the window are audited", async () => {
    const { project } = await makeProject({ demoPrompts: 1, demonstrationsPerPrompt: 1, rankingTasks: 1 });
    const u = await makeUser();
    const t = await nextTask(pool, u, { projectId: project.id, kind: "demonstration" });
    const d = await submitDemonstration(pool, u, { clientId: crypto.randomUUID(), taskId: t!.taskId, text: "hello", timeSpentMs: 1 });
    expect(await undoDemonstration(db, u, d.id)).toMatchObject({ taskId: t!.taskId, text: "hello" });
    expect((await db.assignment.findUnique({ where: { id: t!.assignmentId } }))!.status).toBe("active");
    const rt = await nextTask(pool, u, { projectId: project.id, kind: "ranking" });
    const r = await rank(u, rt!.taskId);
    await editRanking(db, u, r.id, { tiers: "B > A > C > D" });
    const log = await db.auditLog.findFirst({ where: { action: "ranking.edit", targetId: r.id } });
    expect(log?.detail).toMatchObject({ before: "A > B > C > D", after: "B > A > C > D" });
  });
});
