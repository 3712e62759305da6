import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db, sqlPool } from "../../lib/db";
import { DEFAULT_LABEL_SCHEMA } from "../../lib/labeling/label-schema";
import { nextTask, releaseLease, renewLease, skipTask } from "../../lib/labeling/queue";
import { WINDOW } from "../../lib/labeling/sql/next-task";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { makeProject, makeUser } from "../helpers/factories";

const pool = sqlPool();

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
    const first = await nextTask(pool, u, { projectId: project.id });
    expect(first?.kind).toBe("ranking");
    expect(first?.answers.map((a) => a.position)).toEqual([0, 1, 2, 3]);
    expect(new Date(first!.leaseExpiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    const again = await nextTask(pool, u, { projectId: project.id });
    expect(again?.assignmentId).toBe(first?.assignmentId);
  });

  it("never gives a labeler a task they did or skipped", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 2, rankingsPerTask: 3 });
    const u = await makeUser();
    const a = await nextTask(pool, u, { projectId: project.id });
    await submitRanking(pool, u, rank(a!.taskId, "A > B > C > D"));
    const b = await nextTask(pool, u, { projectId: project.id });
    expect(b!.taskId).not.toBe(a!.taskId);
    await skipTask(pool, u, { taskId: b!.taskId, reason: "not my language", report: false });
    expect(await nextTask(pool, u, { projectId: project.id })).toBeNull();
    expect(new Set([a!.taskId, b!.taskId])).toEqual(new Set(taskIds));
  });

  it("never puts more people on a task than results wanted, and frees a slot on skip", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 2 });
    const [u1, u2, u3] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    expect((await nextTask(pool, u1, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    expect((await nextTask(pool, u2, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    expect(await nextTask(pool, u3, { projectId: project.id })).toBeNull();
    await skipTask(pool, u2, { taskId: taskIds[0], reason: "unsure", report: true });
    expect((await nextTask(pool, u3, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    const skipped = await db.assignment.findFirst({ where: { taskId: taskIds[0], userId: u2.id } });
    expect(skipped).toMatchObject({ status: "skipped", skipReason: "unsure", reported: true });
  });

  it("returns a task whose lease expired to the pool", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [u1, u2] = await Promise.all([makeUser(), makeUser()]);
    const a = await nextTask(pool, u1, { projectId: project.id });
    expect(await nextTask(pool, u2, { projectId: project.id })).toBeNull();
    await db.assignment.update({ where: { id: a!.assignmentId }, data: { leasedUntil: new Date(Date.now() - 1000) } });
    expect((await nextTask(pool, u2, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    // u1's lease is gone and u2 holds the only slot: u1 can neither renew nor submit.
    await expect(renewLease(pool, u1, a!.assignmentId)).rejects.toMatchObject({ status: 409 });
    await expect(submitRanking(pool, u1, rank(taskIds[0], "A > B > C > D"))).rejects.toMatchObject({ status: 409 });
    expect(await db.ranking.count({ where: { taskId: taskIds[0] } })).toBe(0);
  });

  it("accepts a submission after the lease ran out while nobody took the slot", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const u = await makeUser();
    const a = await nextTask(pool, u, { projectId: project.id });
    await db.assignment.update({ where: { id: a!.assignmentId }, data: { leasedUntil: new Date(Date.now() - 1000) } });
    await expect(renewLease(pool, u, a!.assignmentId)).resolves.toHaveProperty("leaseExpiresAt");
    await expect(submitRanking(pool, u, rank(a!.taskId, "A = B > C > D"))).resolves.toMatchObject({ ties: 1 });
  });

  it("filters by kind", async () => {
    const { project } = await makeProject({ rankingTasks: 1, demoPrompts: 1, demonstrationsPerPrompt: 1 });
    const u = await makeUser();
    expect((await nextTask(pool, u, { projectId: project.id, kind: "demonstration" }))?.kind).toBe("demonstration");
    const u2 = await makeUser();
    expect((await nextTask(pool, u2, { projectId: project.id, kind: "ranking" }))?.kind).toBe("ranking");
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
          const t = await nextTask(pool, u, { projectId: project.id });
          if (!t) return;
          handedOut.push(`${t.taskId}:${u.id}`);
          await submitRanking(pool, u, rank(t.taskId, "A > B > C = D"));
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

  it("reads past whole windows of tasks the labeler did or others hold, in one project and across projects", async () => {
    // more open tasks ahead than one PICK reads (WINDOW): the first n skipped by this labeler
    // (still open for others), both slots of the next n leased by two others; then the one to get
    const n = WINDOW + 6;
    const { project, taskIds } = await makeProject({ rankingTasks: 2 * n + 1, rankingsPerTask: 2 });
    const [me, other, third] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const ordered = (await pool.query<{ id: string }>(`SELECT id FROM "Task" WHERE "projectId" = $1 ORDER BY "createdAt", id`, [project.id])).rows.map(
      (r) => r.id,
    );
    expect(new Set(ordered)).toEqual(new Set(taskIds));
    const assign = (ids: string[], user: string, status: string, leasedUntil: string) =>
      pool.query(
        `INSERT INTO "Assignment" ("taskId", "userId", status, "leasedUntil", "updatedAt") SELECT unnest($1::uuid[]), $2::uuid, $3::"AssignmentStatus", ${leasedUntil}, now()`,
        [ids, user, status],
      );
    await assign(ordered.slice(0, n), me.id, "skipped", "now()");
    await assign(ordered.slice(n, 2 * n), other.id, "active", "now() + interval '1 hour'");
    await assign(ordered.slice(n, 2 * n), third.id, "active", "now() + interval '1 hour'");
    expect((await nextTask(pool, me, { projectId: project.id }))?.taskId).toBe(ordered[2 * n]);
    await pool.query(`DELETE FROM "Assignment" WHERE "userId" = $1 AND status = 'active'`, [me.id]);
    const anywhere = await nextTask(pool, me, {});
    expect(anywhere).not.toBeNull();
    expect(ordered.slice(0, 2 * n)).not.toContain(anywhere!.taskId);
  });

  it("hands out a partly done task before an older untouched one", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 3, rankingsPerTask: 2 });
    const [u1, u2] = await Promise.all([makeUser(), makeUser()]);
    expect((await nextTask(pool, u1, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
    await skipTask(pool, u1, { taskId: taskIds[0], reason: "later", report: false });
    expect((await nextTask(pool, u1, { projectId: project.id }))?.taskId).toBe(taskIds[1]);
    await submitRanking(pool, u1, rank(taskIds[1], "A > B > C > D"));
    expect((await nextTask(pool, u2, { projectId: project.id }))?.taskId).toBe(taskIds[1]);
  });

  it("sends the prompt, the answers in display order and the project's settings", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, leaseMinutes: 12 });
    const u = await makeUser();
    const t = await nextTask(pool, u, { projectId: project.id });
    const stored = await db.assignment.findFirstOrThrow({ where: { taskId: taskIds[0], userId: u.id } });
    expect(t).toEqual({
      assignmentId: stored.id,
      taskId: taskIds[0],
      kind: "ranking",
      leaseExpiresAt: stored.leasedUntil.toISOString(),
      project: {
        id: project.id,
        name: project.name,
        guidelines: "",
        leaseMinutes: 12,
        minDemonstrationChars: 1,
        maxDemonstrationChars: 20_000,
        answersPerTask: 4,
        undoSeconds: 30,
        labelSchema: DEFAULT_LABEL_SCHEMA,
      },
      prompt: { messages: [{ role: "user", content: `rank prompt 0 ${project.slug}` }] },
      answers: [0, 1, 2, 3].map((position) => ({ position, text: `answer ${position} to 0` })),
    });
    expect(stored.leasedUntil.getTime() - Date.now()).toBeLessThanOrEqual(12 * 60_000);
  });

  it("hands out nothing from an archived project, and stops resuming a lease there", async () => {
    const { project } = await makeProject({ rankingTasks: 2 });
    const u = await makeUser();
    expect(await nextTask(pool, u, { projectId: project.id })).not.toBeNull();
    await db.project.update({ where: { id: project.id }, data: { archived: true } });
    expect(await nextTask(pool, u, { projectId: project.id })).toBeNull();
    expect(await nextTask(pool, await makeUser(), { projectId: project.id })).toBeNull();
  });

  it("renews only the labeler's own assignment: 404 for an unknown one, 403 for another's", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const [owner, other] = await Promise.all([makeUser(), makeUser()]);
    const t = await nextTask(pool, owner, { projectId: project.id });
    await expect(renewLease(pool, owner, crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
    await expect(renewLease(pool, other, t!.assignmentId)).rejects.toMatchObject({ status: 403 });
    await expect(skipTask(pool, other, { taskId: t!.taskId, reason: "no", report: false })).rejects.toMatchObject({ status: 403 });
  });
});

describe("prefetching the next task (a second lease)", () => {
  it("hands out a second task while the first is on screen, resumes both after a reload, and never the same slot twice", async () => {
    const { project } = await makeProject({ rankingTasks: 3, rankingsPerTask: 1 });
    const [u, other] = await Promise.all([makeUser(), makeUser()]);
    const shown = (await nextTask(pool, u, { projectId: project.id }))!;
    const next = (await nextTask(pool, u, { projectId: project.id, exclude: [shown.taskId] }))!;
    expect(next.taskId).not.toBe(shown.taskId);
    // A reload: the page asks again and gets the task on screen, then the same prefetched lease.
    expect((await nextTask(pool, u, { projectId: project.id }))!.assignmentId).toBe(shown.assignmentId);
    expect((await nextTask(pool, u, { projectId: project.id, exclude: [shown.taskId] }))!.assignmentId).toBe(next.assignmentId);
    // The prefetched lease holds its slot: another labeler gets the third task, then nothing.
    const third = (await nextTask(pool, other, { projectId: project.id }))!;
    expect([shown.taskId, next.taskId]).not.toContain(third.taskId);
    expect(await nextTask(pool, other, { projectId: project.id, exclude: [third.taskId] })).toBeNull();
    // After the submit, the prefetched task is the one on screen and can be submitted at once.
    await submitRanking(pool, u, rank(shown.taskId, "A > B > C > D"));
    await submitRanking(pool, u, rank(next.taskId, "D > C > B > A"));
  });

  it("releases a lease not used: the slot is free for others at once; only the holder can release it", async () => {
    const { project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 1 });
    const [u, other] = await Promise.all([makeUser(), makeUser()]);
    const shown = (await nextTask(pool, u, { projectId: project.id }))!;
    const next = (await nextTask(pool, u, { projectId: project.id, exclude: [shown.taskId] }))!;
    expect(await nextTask(pool, other, { projectId: project.id })).toBeNull();
    await expect(releaseLease(pool, other, next.assignmentId)).rejects.toMatchObject({ status: 403 });
    await expect(releaseLease(pool, u, crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
    expect(await releaseLease(pool, u, next.assignmentId)).toEqual({ released: true });
    expect(await releaseLease(pool, u, next.assignmentId)).toEqual({ released: false }); // idempotent
    expect((await nextTask(pool, other, { projectId: project.id }))!.taskId).toBe(next.taskId);
    // A submitted assignment is never touched by a release.
    await submitRanking(pool, u, rank(shown.taskId, "A > B > C > D"));
    expect(await releaseLease(pool, u, shown.assignmentId)).toEqual({ released: false });
    expect(await db.assignment.findUniqueOrThrow({ where: { id: shown.assignmentId } }).then((a) => a.status)).toBe("submitted");
  });
});

describe("the full-task hint (Task.fullUntil): skips leased tasks, never decides a hand-out", () => {
  const hint = async (taskId: string) => (await db.task.findUniqueOrThrow({ where: { id: taskId } })).fullUntil;

  it("is set when a lease takes the last free slot, to the first live lease's end", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 2 });
    const [u1, u2] = await Promise.all([makeUser(), makeUser()]);
    const first = (await nextTask(pool, u1, { projectId: project.id }))!;
    expect(await hint(taskIds[0])).toBeNull(); // one slot still free
    await db.assignment.update({ where: { id: first.assignmentId }, data: { leasedUntil: new Date(Date.now() + 5 * 60_000) } }); // renewed shorter, say
    const second = (await nextTask(pool, u2, { projectId: project.id }))!;
    expect(second.taskId).toBe(taskIds[0]);
    const leases = await db.assignment.findMany({ where: { taskId: taskIds[0] }, orderBy: { leasedUntil: "asc" } });
    expect(leases.map((a) => a.id)).toEqual([first.assignmentId, second.assignmentId]);
    expect((await hint(taskIds[0]))?.getTime()).toBe(leases[0]!.leasedUntil.getTime());
  });

  it("a stale hint hands out nothing: the leases are still counted", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [u1, u2] = await Promise.all([makeUser(), makeUser()]);
    await nextTask(pool, u1, { projectId: project.id });
    await db.$executeRaw`UPDATE "Task" SET "fullUntil" = now() - interval '1 minute' WHERE id = ${taskIds[0]}::uuid`;
    expect(await nextTask(pool, u2, { projectId: project.id })).toBeNull();
  });

  // Every way a leased slot frees before its lease ends must clear the hint, or the task would sit
  // unseen until then. Each case leases the only slot (the hint runs 30 minutes), frees it, and
  // expects the next labeler to get the task at once.
  const frees: [string, (t: { taskId: string; assignmentId: string; holder: SessionUser }) => Promise<unknown>][] = [
    ["released", (t) => releaseLease(pool, t.holder, t.assignmentId)],
    ["skipped", (t) => skipTask(pool, t.holder, { taskId: t.taskId, reason: "unsure", report: false })],
    ["expired early", (t) => db.assignment.update({ where: { id: t.assignmentId }, data: { leasedUntil: new Date(Date.now() - 1000) } })],
    ["marked expired", (t) => db.assignment.update({ where: { id: t.assignmentId }, data: { status: "expired" } })],
    ["deleted", (t) => db.assignment.delete({ where: { id: t.assignmentId } })],
    ["wanted raised (re-queued)", (t) => db.task.update({ where: { id: t.taskId }, data: { wanted: { increment: 1 } } })],
  ];
  it.each(frees)("is cleared when the lease is %s", async (_, free) => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [holder, next] = await Promise.all([makeUser(), makeUser()]);
    const held = (await nextTask(pool, holder, { projectId: project.id }))!;
    expect((await hint(taskIds[0]))!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(await nextTask(pool, next, { projectId: project.id })).toBeNull();
    await free({ taskId: taskIds[0]!, assignmentId: held.assignmentId, holder });
    expect(await hint(taskIds[0])).toBeNull();
    expect((await nextTask(pool, next, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
  });

  it("is cleared when a task's count goes down (a result taken back), and left alone by a submission", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 2 });
    const [u1, u2, u3] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    await nextTask(pool, u1, { projectId: project.id });
    await nextTask(pool, u2, { projectId: project.id });
    const full = await hint(taskIds[0]);
    expect(full).not.toBeNull();
    await submitRanking(pool, u1, rank(taskIds[0]!, "A > B > C > D"));
    expect(await hint(taskIds[0])).toEqual(full); // the slot was used, not freed
    expect(await nextTask(pool, u3, { projectId: project.id })).toBeNull();
    await db.$executeRaw`UPDATE "Task" SET done = done - 1 WHERE id = ${taskIds[0]}::uuid`;
    expect(await hint(taskIds[0])).toBeNull();
    expect((await nextTask(pool, u3, { projectId: project.id }))?.taskId).toBe(taskIds[0]);
  });
});

describe("submitting a ranking", () => {
  it("stores A > B > C = D as 5 comparisons and 1 tie, in one go", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const u = await makeUser();
    const t = await nextTask(pool, u, { projectId: project.id });
    const result = await submitRanking(pool, u, {
      ...rank(t!.taskId, [[0], [1], [2, 3]]),
      answers: [
        { position: 0, likert: 7 },
        { position: 3, likert: 2, flags: ["hallucination"] },
      ],
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
    const t = await nextTask(pool, u, { projectId: project.id });
    const input = rank(t!.taskId, "B > A > C > D");
    const [r1, r2] = await Promise.all([submitRanking(pool, u, input), submitRanking(pool, u, input)]);
    expect(r1.id).toBe(r2.id);
    expect(await submitRanking(pool, u, input)).toEqual(r1);
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
    const t = await nextTask(pool, u, { projectId: project.id });
    await expect(submitRanking(pool, u, rank(t!.taskId, notation))).rejects.toMatchObject({ status: 400 });
    expect(await db.ranking.count({ where: { taskId: t!.taskId } })).toBe(0);
    expect(await db.comparison.count({ where: { taskId: t!.taskId } })).toBe(0);
    expect((await db.task.findUnique({ where: { id: t!.taskId } }))?.done).toBe(0);
  });

  it("refuses a submission id another labeler already used (409), and a second ranking of one task", async () => {
    const { project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 1 });
    const [a, b] = await Promise.all([makeUser(), makeUser()]);
    const ta = await nextTask(pool, a, { projectId: project.id });
    const tb = await nextTask(pool, b, { projectId: project.id });
    const first = rank(ta!.taskId, "A > B > C > D");
    await submitRanking(pool, a, first);
    await expect(submitRanking(pool, b, { ...first, taskId: tb!.taskId })).rejects.toMatchObject({ status: 409 });
    await expect(submitRanking(pool, a, rank(ta!.taskId, "D > C > B > A"))).rejects.toMatchObject({ status: 409 });
    expect(await db.ranking.count({ where: { taskId: { in: [ta!.taskId, tb!.taskId] } } })).toBe(1);
  });

  it("refuses a live lease's ranking once the task has all it wants (409), writing nothing", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 2 });
    const [a, b] = await Promise.all([makeUser(), makeUser()]);
    await nextTask(pool, a, { projectId: project.id });
    await nextTask(pool, b, { projectId: project.id });
    await db.task.update({ where: { id: taskIds[0] }, data: { wanted: 1 } }); // fewer wanted while both hold it
    await submitRanking(pool, a, rank(taskIds[0], "A > B > C > D"));
    await expect(submitRanking(pool, b, rank(taskIds[0], "D > C > B > A"))).rejects.toMatchObject({ status: 409, message: /all the rankings it needs/ });
    expect(await db.ranking.count({ where: { taskId: taskIds[0] } })).toBe(1);
    expect(await db.comparison.count({ where: { taskId: taskIds[0] } })).toBe(6);
    expect((await db.task.findUniqueOrThrow({ where: { id: taskIds[0] } })).done).toBe(1);
    expect(await db.assignment.findFirst({ where: { taskId: taskIds[0], userId: b.id } })).toMatchObject({ status: "active" });
  });

  it("refuses a labeler who does not hold the task (403)", async () => {
    const { project } = await makeProject({ rankingTasks: 1 });
    const [owner, other] = await Promise.all([makeUser(), makeUser()]);
    const t = await nextTask(pool, owner, { projectId: project.id });
    await expect(submitRanking(pool, other, rank(t!.taskId, "A > B > C > D"))).rejects.toMatchObject({ status: 403 });
  });
});

describe("submitting a demonstration", () => {
  it("stores it with the time spent, and refuses oversized text with 413", async () => {
    const { project } = await makeProject({ demoPrompts: 1, demonstrationsPerPrompt: 1, maxDemonstrationChars: 50 });
    const u = await makeUser();
    const t = await nextTask(pool, u, { projectId: project.id, kind: "demonstration" });
    const tooLong = { clientId: crypto.randomUUID(), taskId: t!.taskId, text: "x".repeat(51), timeSpentMs: 5 };
    await expect(submitDemonstration(pool, u, tooLong)).rejects.toMatchObject({ status: 413 });
    const ok = await submitDemonstration(pool, u, { ...tooLong, text: "A fine answer.", timeSpentMs: 4200 });
    const row = await db.demonstration.findUnique({ where: { id: ok.id } });
    expect(row).toMatchObject({ text: "A fine answer.", timeSpentMs: 4200, authorId: u.id });
  });

  it("is idempotent too: the same client id twice stores one demonstration", async () => {
    const { project } = await makeProject({ demoPrompts: 1, demonstrationsPerPrompt: 1 });
    const u = await makeUser();
    const t = await nextTask(pool, u, { projectId: project.id, kind: "demonstration" });
    const input = { clientId: crypto.randomUUID(), taskId: t!.taskId, text: "An answer.", timeSpentMs: 5 };
    const [d1, d2] = await Promise.all([submitDemonstration(pool, u, input), submitDemonstration(pool, u, input)]);
    expect(d1.id).toBe(d2.id);
    expect(await db.demonstration.count({ where: { taskId: t!.taskId } })).toBe(1);
    expect((await db.task.findUniqueOrThrow({ where: { id: t!.taskId } })).done).toBe(1);
  });
});

describe("one submit path for every task kind", () => {
  it("refuses a submission of the other kind with a 400 naming the task's kind, storing nothing and keeping the lease", async () => {
    const { project } = await makeProject({ rankingTasks: 1, demoPrompts: 1, demonstrationsPerPrompt: 1 });
    const u = await makeUser();
    const r = await nextTask(pool, u, { projectId: project.id, kind: "ranking" });
    const d = await nextTask(pool, u, { projectId: project.id, kind: "demonstration" });
    const demo = { clientId: crypto.randomUUID(), taskId: d!.taskId, text: "An answer.", timeSpentMs: 5 };
    await expect(submitDemonstration(pool, u, { ...demo, taskId: r!.taskId })).rejects.toMatchObject({
      status: 400,
      message: "This task is not a demonstration task.",
    });
    await expect(submitRanking(pool, u, rank(d!.taskId, "A > B > C > D"))).rejects.toMatchObject({ status: 400, message: "This task is not a ranking task." });
    expect(await db.ranking.count({ where: { taskId: { in: [r!.taskId, d!.taskId] } } })).toBe(0);
    expect(await db.demonstration.count({ where: { taskId: { in: [r!.taskId, d!.taskId] } } })).toBe(0);
    // both leases are still live: the right kinds go through
    await submitRanking(pool, u, rank(r!.taskId, "A > B > C > D"));
    await submitDemonstration(pool, u, demo);
    expect((await db.task.findMany({ where: { id: { in: [r!.taskId, d!.taskId] } } })).map((t) => t.done)).toEqual([1, 1]);
  });

  // The write checks the labeler's assignment itself (lib/labeling/sql/submit.ts): each refusal it
  // makes still says why in one sentence, and leaves the task, its results and the leases as they were.
  const kinds = {
    ranking: {
      setup: (wanted: number) => makeProject({ rankingTasks: 1, rankingsPerTask: wanted }),
      submit: (u: SessionUser, taskId: string) => submitRanking(pool, u, rank(taskId, "A > B > C > D")),
      full: "This task already has all the rankings it needs.",
    },
    demonstration: {
      setup: (wanted: number) => makeProject({ demoPrompts: 1, demonstrationsPerPrompt: wanted }),
      submit: (u: SessionUser, taskId: string) => submitDemonstration(pool, u, { clientId: crypto.randomUUID(), taskId, text: "An answer.", timeSpentMs: 5 }),
      full: "This prompt already has all the demonstrations it needs.",
    },
  } as const;
  /** What a submission writes or changes on a task. */
  const stored = async (taskId: string) => ({
    task: await db.task.findUniqueOrThrow({ where: { id: taskId }, select: { done: true, wanted: true } }),
    assignments: await db.assignment.findMany({ where: { taskId }, select: { id: true, status: true, leasedUntil: true }, orderBy: { id: "asc" } }),
    rankings: await db.ranking.count({ where: { taskId } }),
    comparisons: await db.comparison.count({ where: { taskId } }),
    demonstrations: await db.demonstration.count({ where: { taskId } }),
  });
  const refusals = [
    ["a labeler who never took the task", 403, "This task is not assigned to you: take it from the queue first."],
    ["a lease that expired after another labeler took the slot", 409, "Your lease on this task expired and another labeler took it."],
    ["a task skipped before", 409, "You skipped this task, so it went back to the pool."],
    ["a live lease on a task that has every result it wants", 409, "full"],
  ] as const;
  it.each((["ranking", "demonstration"] as const).flatMap((kind) => refusals.map(([why, status, message]) => [kind, why, status, message] as const)))(
    "refuses a %s from %s (%i) in one sentence, writing nothing",
    async (kind, why, status, message) => {
      const k = kinds[kind];
      const { project } = await k.setup(why.startsWith("a live lease") ? 2 : 1);
      const [u, other] = await Promise.all([makeUser(), makeUser()]);
      let taskId: string;
      if (why.startsWith("a labeler who never")) {
        taskId = (await nextTask(pool, other, { projectId: project.id, kind }))!.taskId;
      } else if (why.startsWith("a lease that expired")) {
        const mine = (await nextTask(pool, u, { projectId: project.id, kind }))!;
        taskId = mine.taskId;
        await db.assignment.update({ where: { id: mine.assignmentId }, data: { leasedUntil: new Date(Date.now() - 1000) } });
        expect((await nextTask(pool, other, { projectId: project.id, kind }))?.taskId).toBe(taskId);
      } else if (why.startsWith("a task skipped")) {
        taskId = (await nextTask(pool, u, { projectId: project.id, kind }))!.taskId;
        await skipTask(pool, u, { taskId, reason: "unclear", report: false });
      } else {
        taskId = (await nextTask(pool, u, { projectId: project.id, kind }))!.taskId;
        expect((await nextTask(pool, other, { projectId: project.id, kind }))?.taskId).toBe(taskId);
        await db.task.update({ where: { id: taskId }, data: { wanted: 1 } }); // fewer wanted while both hold it
        await k.submit(other, taskId);
      }
      const before = await stored(taskId);
      const error = await k.submit(u, taskId).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ status, message: message === "full" ? k.full : message });
      expect(await stored(taskId)).toEqual(before);
    },
  );

  it("treats a demonstration's submission id like a ranking's: another labeler's reuse is a 409", async () => {
    const { project } = await makeProject({ demoPrompts: 2, demonstrationsPerPrompt: 1 });
    const [a, b] = await Promise.all([makeUser(), makeUser()]);
    const ta = await nextTask(pool, a, { projectId: project.id, kind: "demonstration" });
    const tb = await nextTask(pool, b, { projectId: project.id, kind: "demonstration" });
    const first = { clientId: crypto.randomUUID(), taskId: ta!.taskId, text: "An answer.", timeSpentMs: 5 };
    await submitDemonstration(pool, a, first);
    await expect(submitDemonstration(pool, b, { ...first, taskId: tb!.taskId })).rejects.toMatchObject({
      status: 409,
      message: "That submission id is already used.",
    });
    expect(await db.demonstration.count({ where: { taskId: { in: [ta!.taskId, tb!.taskId] } } })).toBe(1);
  });
});
