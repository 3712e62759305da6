import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { editDemonstration, editRanking } from "../../lib/labeling/edit";
import { ownHistory, tallySince, waitingWork } from "../../lib/labeling/labeler-home";
import { nextTask } from "../../lib/labeling/queue";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { makeProject, makeUser } from "../helpers/factories";

const pool = sqlPool();

describe("editing own work", () => {
  it("replaces a ranking's comparisons, only for its author, only before the lock", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const [u, other] = await Promise.all([makeUser(), makeUser()]);
    const t = await nextTask(pool, u, { projectId: project.id });
    const r = await submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId: t!.taskId, tiers: "A > B > C > D", answers: [], timeSpentMs: 1 });
    await expect(editRanking(db, other, r.id, { tiers: "D > C > B > A", answers: [] })).rejects.toMatchObject({ status: 403 });
    expect(await editRanking(db, u, r.id, { tiers: "D > C = B > A", answers: [] })).toMatchObject({ notation: "D > B = C > A" });
    const comps = await db.comparison.findMany({ where: { rankingId: r.id } });
    expect(comps).toHaveLength(6);
    expect(comps.filter((c) => c.tie)).toHaveLength(1);
    await db.project.update({ where: { id: project.id }, data: { editLockHours: 0 } });
    await expect(editRanking(db, u, r.id, { tiers: "A > B > C > D", answers: [] })).rejects.toThrow(/locked/);
  });

  it("an edit that sends only the tiers keeps every answer's Likert score and flags", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const u = await makeUser();
    const t = await nextTask(pool, u, { projectId: project.id });
    const answers = [
      { position: 0, likert: 6, flags: ["hallucination" as const] },
      { position: 2, likert: 2 },
    ];
    const r = await submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId: t!.taskId, tiers: "A > B > C > D", answers, timeSpentMs: 1 });
    const detail = async () =>
      (await db.rankingAnswer.findMany({ where: { rankingId: r.id }, include: { completion: { include: { taskItems: true } } } }))
        .map((a) => ({ position: a.completion.taskItems[0].position, tier: a.tier, likert: a.likert, flags: a.flags }))
        .sort((a, b) => a.position - b.position);
    await editRanking(db, u, r.id, { tiers: "D > C > B > A" });
    expect(await detail()).toEqual([
      { position: 0, tier: 3, likert: 6, flags: ["hallucination"] },
      { position: 1, tier: 2, likert: null, flags: [] },
      { position: 2, tier: 1, likert: 2, flags: [] },
      { position: 3, tier: 0, likert: null, flags: [] },
    ]);
    // an answer's details sent with the edit replace that answer's, and only that answer's
    await editRanking(db, u, r.id, {
      tiers: "A > B > C > D",
      answers: [
        { position: 0, flags: [] },
        { position: 1, likert: 5 },
      ],
    });
    expect((await detail()).map((a) => [a.likert, a.flags])).toEqual([
      [null, []],
      [5, []],
      [2, []],
      [null, []],
    ]);
  });

  it("edits a demonstration within the project's length limits", async () => {
    const { project } = await makeProject({ demoPrompts: 1, demonstrationsPerPrompt: 1, maxDemonstrationChars: 20 });
    const u = await makeUser();
    const t = await nextTask(pool, u, { projectId: project.id });
    const d = await submitDemonstration(pool, u, { clientId: crypto.randomUUID(), taskId: t!.taskId, text: "first", timeSpentMs: 10 });
    await expect(editDemonstration(db, u, d.id, "x".repeat(21))).rejects.toMatchObject({ status: 413 });
    await editDemonstration(db, u, d.id, "second");
    expect((await db.demonstration.findUnique({ where: { id: d.id } }))?.text).toBe("second");
  });
});

describe("the labeler home", () => {
  it("counts waiting work per kind and the labeler's own tallies and history", async () => {
    const { project } = await makeProject({ rankingTasks: 2, demoPrompts: 1, demonstrationsPerPrompt: 1 });
    const u = await makeUser();
    const mine = (await waitingWork(db, u)).filter((w) => w.projectId === project.id);
    expect(mine.map((w) => [w.kind, w.tasks])).toEqual([
      ["demonstration", 1],
      ["ranking", 2],
    ]);
    const t = await nextTask(pool, u, { projectId: project.id, kind: "ranking" });
    await submitRanking(pool, u, {
      clientId: crypto.randomUUID(),
      taskId: t!.taskId,
      tiers: "A = B = C = D",
      answers: [{ position: 1, likert: 6, flags: ["hallucination"] }],
      timeSpentMs: 90_000,
    });
    const after = (await waitingWork(db, u)).filter((w) => w.projectId === project.id && w.kind === "ranking");
    expect(after[0].tasks).toBe(1);
    expect(await tallySince(db, u, new Date(Date.now() - 60_000))).toEqual({ rankings: 1, demonstrations: 0, timeSpentMs: 90_000 });
    const history = await ownHistory(db, u);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: "ranking", summary: "A = B = C = D" });
    // What the tier board needs to edit it: the answers as shown in the task, the tiers, the details.
    expect(history[0].ranking).toEqual({
      answers: t!.answers.map((a) => ({ position: a.position, text: a.text })),
      tiers: [[0, 1, 2, 3]],
      meta: { 0: { flags: [] }, 1: { likert: 6, flags: ["hallucination"] }, 2: { flags: [] }, 3: { flags: [] } },
    });
    const stranger = await makeUser();
    expect(await ownHistory(db, stranger)).toEqual([]);
  });
});
