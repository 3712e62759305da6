import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { nextTask, skipTask } from "../../lib/labeling/queue";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { qualityReport } from "../../lib/quality/report";
import { makeProject, makeUser } from "../helpers/factories";

type User = Awaited<ReturnType<typeof makeUser>>;

async function rank(user: User, taskId: string, tiers: string, timeSpentMs = 1000, flags: { position: number; flags: string[] }[] = []) {
  return submitRanking(sqlPool(), user, { clientId: crypto.randomUUID(), taskId, tiers, answers: flags as never, timeSpentMs });
}

/**
 * Works through the user's ranking queue: `choose(taskId)` gives the ranking for each task handed
 * out (with its time and flags), or "skip". The queue picks the order, so choices go by task id.
 */
async function work(user: User, projectId: string, choose: (taskId: string) => "skip" | [string, number?, { position: number; flags: string[] }[]?]) {
  for (;;) {
    const t = await nextTask(sqlPool(), user, { projectId, kind: "ranking" });
    if (!t) return;
    const c = choose(t.taskId);
    if (c === "skip") await skipTask(sqlPool(), user, { taskId: t.taskId, reason: "unsure", report: false });
    else await rank(user, t.taskId, c[0], c[1], c[2]);
  }
}

describe("the quality report", () => {
  it("gives agreement 1, tau-b 1 and alpha 1 when two labelers rank a task identically", async () => {
    const { project } = await makeProject({ k: 3, rankingTasks: 1, rankingsPerTask: 2 });
    const [u1, u2] = await Promise.all([makeUser(), makeUser()]);
    for (const u of [u1, u2]) await work(u, project.id, () => ["A > B > C"]);
    const r = await qualityReport(db, project.id);
    expect(r.agreement).toEqual({ rate: 1, tauB: 1, alpha: 1, overlappingTasks: 1, labelerPairs: 1 });
    expect(r.tasks).toHaveLength(1);
    expect(r.tasks[0].consensus).toBe("A > B > C");
    expect(r.tasks[0].rankings.map((x) => x.notation)).toEqual(["A > B > C", "A > B > C"]);
    expect(r.perLabeler.map((l) => l.agreementWithConsensus)).toEqual([1, 1]);
    expect(r.perLabeler.map((l) => l.agreementWithOthers)).toEqual([1, 1]);
  });

  it("gives agreement 0, tau-b −1, alpha −2/3 and an all-tied consensus for opposite rankings", async () => {
    const { project } = await makeProject({ k: 3, rankingTasks: 1, rankingsPerTask: 2 });
    const [u1, u2] = await Promise.all([makeUser(), makeUser()]);
    await work(u1, project.id, () => ["A > B > C"]);
    await work(u2, project.id, () => ["C > B > A"]);
    const r = await qualityReport(db, project.id);
    expect(r.agreement.rate).toBe(0);
    expect(r.agreement.tauB).toBe(-1);
    // Ranks 1..3 twice each; observed Σoδ² = 64, expected Σnnδ² = 192, n = 6: 1 − 5·64/192.
    expect(r.agreement.alpha).toBeCloseTo(-2 / 3, 12);
    // Borda: A 2+0, B 1+1, C 0+2 — all tied; a strict order agrees with a tie on no pair.
    expect(r.tasks[0].consensus).toBe("A = B = C");
    expect(r.perLabeler.map((l) => l.agreementWithConsensus)).toEqual([0, 0]);
    expect(r.tasks[0].rankings.map((x) => x.tauB)).toEqual([null, null]);
  });

  it("pools over tasks and reports throughput, median time, skips and flags per labeler", async () => {
    const { project, taskIds } = await makeProject({ k: 3, rankingTasks: 2, rankingsPerTask: 3, demoPrompts: 1, demonstrationsPerPrompt: 1 });
    const [t1, t2] = taskIds;
    const [u1, u2, u3] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    // u1 ranks both tasks A > B > C; u2 agrees on t1 and reverses t2; u3 skips t1 and ranks t2 like u1.
    await work(u1, project.id, (t) =>
      t === t1
        ? ["A > B > C", 1000, [{ position: 0, flags: ["hallucination"] }]]
        : [
            "A > B > C",
            3000,
            [
              { position: 1, flags: ["hallucination"] },
              { position: 2, flags: ["hallucination"] },
            ],
          ],
    );
    await work(u2, project.id, (t) => (t === t1 ? ["A > B > C", 2000] : ["C > B > A", 4000]));
    await work(u3, project.id, (t) => (t === t1 ? "skip" : ["A > B > C", 5000]));
    const demo = await nextTask(sqlPool(), u1, { projectId: project.id, kind: "demonstration" });
    await submitDemonstration(sqlPool(), u1, { clientId: crypto.randomUUID(), taskId: demo!.taskId, text: "An answer.", timeSpentMs: 60_000 });

    const r = await qualityReport(db, project.id);
    // t1: u1–u2 3/3. t2: u1–u2 0/3, u1–u3 3/3, u2–u3 0/3. Total 6/12; taus 1, −1, 1, −1.
    expect(r.agreement).toMatchObject({ rate: 0.5, tauB: 0, overlappingTasks: 2, labelerPairs: 4 });
    // The least-agreeing task first: t2 at 3/9, then t1 at 3/3.
    expect(r.tasks.map((t) => t.taskId)).toEqual([t2, t1]);
    expect(r.tasks[0].rate).toBeCloseTo(1 / 3, 12);
    // t2 Borda: A 2+0+2 = 4, B 1+1+1 = 3, C 0+2+0 = 2.
    expect(r.tasks[0].consensus).toBe("A > B > C");
    expect(r.tasks[0].prompt).toContain("rank prompt");

    const by = new Map(r.perLabeler.map((l) => [l.labelerId, l]));
    expect(by.get(u1.id)).toMatchObject({
      email: u1.email,
      rankings: 2,
      demonstrations: 1,
      medianTimeMs: 2000,
      medianDemonstrationTimeMs: 60_000,
      agreementWithOthers: 6 / 9, // t1 with u2 3/3, t2 with u2 0/3 and u3 3/3
      agreementWithConsensus: 1, // consensus is A > B > C on both tasks
      skipShare: 0,
      skips: 0,
      flagsUsed: 3,
    });
    expect(by.get(u2.id)).toMatchObject({ rankings: 2, demonstrations: 0, medianTimeMs: 3000, agreementWithConsensus: 0.5, skipShare: 0, flagsUsed: 0 });
    expect(by.get(u3.id)).toMatchObject({ rankings: 1, medianTimeMs: 5000, agreementWithConsensus: 1, skipShare: 0.5, skips: 1 });
  });

  it("is empty for a project without rankings", async () => {
    const { project } = await makeProject({ k: 3, rankingTasks: 1 });
    const r = await qualityReport(db, project.id);
    expect(r).toEqual({
      agreement: { rate: null, tauB: null, alpha: null, overlappingTasks: 0, labelerPairs: 0 },
      perLabeler: [],
      tasks: [],
    });
  });
});
