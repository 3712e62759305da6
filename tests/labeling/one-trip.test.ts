// The labeling hot paths send a transaction's statements together (lib/labeling/sql/transaction.ts
// inOneTrip). Sent together, they must still behave as one transaction sent a statement at a time:
// all or nothing, and a statement after one that waited for a row lock sees what was committed
// while it waited.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { nextTask } from "../../lib/labeling/queue";
import { inOneTrip } from "../../lib/labeling/sql/transaction";
import { submitRanking } from "../../lib/labeling/submit";
import { makeProject, makeUser } from "../helpers/factories";

const pool = sqlPool();
const rank = (taskId: string) => ({ clientId: crypto.randomUUID(), taskId, tiers: "A > B > C > D", answers: [], timeSpentMs: 1000 });

describe("statements sent in one trip", () => {
  it("are one transaction: a failing statement undoes the ones before it, its error is thrown, and the connection serves the next trip", async () => {
    const { taskIds } = await makeProject({ rankingTasks: 1 });
    const raise = { statement: { text: `UPDATE "Task" SET wanted = wanted + 1 WHERE id = $1::uuid` }, values: [taskIds[0]] };
    await expect(inOneTrip(pool, [raise, { statement: { text: "SELECT 1 / $1::int" }, values: [0] }])).rejects.toMatchObject({ code: "22012" });
    expect((await db.task.findUniqueOrThrow({ where: { id: taskIds[0] } })).wanted).toBe(2);
    const [raised, read] = await inOneTrip(pool, [raise, { statement: { text: `SELECT wanted FROM "Task" WHERE id = $1::uuid` }, values: [taskIds[0]] }]);
    expect(raised).toEqual([]);
    expect(read).toEqual([{ wanted: 3 }]);
  });

  it("sees, after the task's lock, a lease committed while the submission waited for it", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [u, other] = await Promise.all([makeUser(), makeUser()]);
    const mine = await nextTask(pool, u, { projectId: project.id });
    // The lease ran out with its slot still free: a submission now would be accepted...
    await db.assignment.update({ where: { id: mine!.assignmentId }, data: { leasedUntil: new Date(Date.now() - 1000) } });
    // ...but another labeler, holding the task's lock, is taking the slot.
    const c = await pool.connect();
    try {
      await c.query("BEGIN");
      await c.query(`SELECT id FROM "Task" WHERE id = $1::uuid FOR UPDATE`, [taskIds[0]]);
      await c.query(
        `INSERT INTO "Assignment" ("taskId", "userId", status, "leasedUntil", "updatedAt") VALUES ($1::uuid, $2::uuid, 'active', now() + interval '30 minutes', now())`,
        [taskIds[0], other.id],
      );
      const submitting = submitRanking(pool, u, rank(taskIds[0])).then(
        () => null,
        (e: unknown) => e,
      );
      // On PostgreSQL, until the submission waits for the lock (PGlite runs one transaction at a time: it waits for this one).
      for (let i = 0; i < 40; i++) {
        const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`);
        if (rows[0]!.n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await c.query("COMMIT");
      expect(await submitting).toMatchObject({ status: 409, message: "Your lease on this task expired and another labeler took it." });
    } finally {
      c.release();
    }
    expect(await db.ranking.count({ where: { taskId: taskIds[0] } })).toBe(0);
    expect((await db.task.findUniqueOrThrow({ where: { id: taskIds[0] } })).done).toBe(0);
  });
});
