import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import pg from "pg";
import { agreementPass } from "../../lib/exports/agreement-pass";
import { createExport } from "../../lib/exports/snapshot";
import { streamSnapshot } from "../../lib/exports/stream";
import { exportFile, getExport, listExports } from "../../lib/exports/store";
import { nextTask } from "../../lib/labeling/queue";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { createExportInput, type CreateExportRequest } from "../../lib/validation/export";
import { makeProject, makeUser } from "../helpers/factories";

const pool = sqlPool();

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "exports-test-"));

type Answer = { position: number; likert?: number; flags?: string[] };

async function rankNext(projectId: string, user: { id: string }, tiers: number[][] | string, answers: Answer[] = []) {
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  const t = await nextTask(pool, u, { projectId });
  if (!t) throw new Error("no task left");
  return submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId: t.taskId, tiers, answers: answers as never, timeSpentMs: 1234 });
}

async function exportOf(admin: { id: string }, req: CreateExportRequest) {
  const e = await createExport(db, admin, createExportInput.parse(req));
  const lines = (name: string) => {
    const text = fs.readFileSync(exportFile(e, name).path, "utf8");
    return text === ""
      ? []
      : text
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const all = e.files.filter((f) => f.name.endsWith(".jsonl")).flatMap((f) => lines(f.name));
  return { e, lines, all };
}

const sha256 = (p: string) => crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");

describe("the reward-model export", () => {
  it("writes A > B > C = D of four answers as 5 TRL preference lines, ties left out unless asked", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [admin, labeler] = await Promise.all([makeUser("admin"), makeUser()]);
    await rankNext(project.id, labeler, "A > B > C = D");

    const { e, all } = await exportOf(admin, { kind: "rm", projectId: project.id, validation: 0 });
    expect(e.rowCount).toBe(5);
    expect(all).toHaveLength(5);
    for (const line of all) {
      expect(Object.keys(line).sort()).toEqual(["chosen", "prompt", "rejected"]);
      for (const k of ["prompt", "chosen", "rejected"]) expect(typeof line[k]).toBe("string");
    }
    expect(all.map((l) => `${l.chosen} > ${l.rejected}`).sort()).toEqual([
      "answer 0 to 0 > answer 1 to 0",
      "answer 0 to 0 > answer 2 to 0",
      "answer 0 to 0 > answer 3 to 0",
      "answer 1 to 0 > answer 2 to 0",
      "answer 1 to 0 > answer 3 to 0",
    ]);

    const withTies = await exportOf(admin, { kind: "rm", projectId: project.id, includeTies: true, margin: true, validation: 0 });
    expect(withTies.all).toHaveLength(6);
    expect(withTies.all.map((l) => l.margin).sort()).toEqual([0, 1, 1, 1, 2, 2]); // A>B>C=D: AB 1, AC 2, AD 2, BC 1, BD 1, CD tie
  });

  it("never writes a tie as a plain preference: with ties kept, every row says whether it is a tie, in both layouts", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [admin, labeler] = await Promise.all([makeUser("admin"), makeUser()]);
    await rankNext(project.id, labeler, "A > B > C = D");
    for (const layout of ["standard", "conversational"] as const) {
      const { all, e } = await exportOf(admin, { kind: "rm", layout, projectId: project.id, includeTies: true, margin: false, validation: 0 });
      expect(all).toHaveLength(6);
      for (const line of all) expect(Object.keys(line).sort()).toEqual(["chosen", "margin", "prompt", "rejected", "tie"]);
      const ties = all.filter((l) => l.tie === true);
      expect(ties).toHaveLength(1);
      expect(ties[0].margin).toBe(0);
      expect(all.filter((l) => l.tie === false).every((l) => (l.margin as number) >= 1)).toBe(true);
      const card = fs.readFileSync(exportFile(e, "README.md").path, "utf8");
      expect(card).toMatch(/`tie`/);
    }
  });

  it("writes pairs in prompt order, then ranking order, each ranking's pairs in the order its comparisons were stored", async () => {
    const { project } = await makeProject({ rankingTasks: 3, rankingsPerTask: 2 });
    const [admin, a, b] = await Promise.all([makeUser("admin"), makeUser(), makeUser()]);
    for (const [u, tiers] of [
      [a, "A > B > C > D"],
      [b, "D > C = B > A"],
    ] as const)
      for (let i = 0; i < 3; i++) await rankNext(project.id, u, tiers);
    const { all } = await exportOf(admin, { kind: "rm", projectId: project.id, validation: 0, includeTies: true, margin: true });
    // The same pairs read straight from the tables, in the order the export promises.
    const expected = await pool.query<{ prompt: string; chosen: string; rejected: string; margin: number; tie: boolean }>(
      `SELECT p.messages->0->>'content' AS prompt, ch.text AS chosen, rj.text AS rejected, c.margin, c.tie
         FROM "Comparison" c JOIN "Ranking" r ON r.id = c."rankingId" JOIN "Task" t ON t.id = r."taskId" JOIN "Prompt" p ON p.id = t."promptId"
         JOIN "Completion" ch ON ch.id = c."chosenId" JOIN "Completion" rj ON rj.id = c."rejectedId"
        WHERE t."projectId" = $1 ORDER BY p.id, r.id, c.id`,
      [project.id],
    );
    expect(expected.rows).toHaveLength(3 * 2 * 6);
    expect(all).toEqual(expected.rows.map((r) => ({ prompt: r.prompt, chosen: r.chosen, rejected: r.rejected, margin: r.margin, tie: r.tie })));
  });

  it("has a conversational form: prompt, chosen and rejected are message lists", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [admin, labeler] = await Promise.all([makeUser("admin"), makeUser()]);
    await rankNext(project.id, labeler, "A > B > C = D");
    const { all } = await exportOf(admin, { kind: "rm", layout: "conversational", projectId: project.id, validation: 0 });
    expect(all).toHaveLength(5);
    for (const line of all) {
      expect(Object.keys(line).sort()).toEqual(["chosen", "prompt", "rejected"]);
      expect(line.prompt).toEqual([{ role: "user", content: expect.stringContaining("rank prompt 0") }]);
      for (const k of ["chosen", "rejected"]) expect(line[k]).toEqual([{ role: "assistant", content: expect.any(String) }]);
    }
  });

  it("records files with sha256, bytes and rows, a dataset card, and can be read back byte for byte", async () => {
    const { project } = await makeProject({ rankingTasks: 12, rankingsPerTask: 1 });
    const [admin, labeler] = await Promise.all([makeUser("admin"), makeUser()]);
    for (let i = 0; i < 12; i++) await rankNext(project.id, labeler, "A > B > C > D");
    const { e, lines } = await exportOf(admin, { kind: "rm", projectId: project.id, validation: 0.3, test: 0.2 });
    expect(e.rowCount).toBe(72);
    expect(e.files.map((f) => f.name)).toEqual([
      "train.jsonl",
      "validation.jsonl",
      "test.jsonl",
      "data/train-00000-of-00001.parquet",
      "data/validation-00000-of-00001.parquet",
      "data/test-00000-of-00001.parquet",
      "README.md",
    ]);
    let total = 0;
    const promptSplits = new Map<unknown, string>();
    for (const f of e.files) {
      const p = exportFile(e, f.name).path;
      expect(sha256(p)).toBe(f.sha256);
      expect(fs.statSync(p).size).toBe(f.bytes);
      if (f.rows === undefined || !f.name.endsWith(".jsonl")) continue; // tests/exports/parquet.db.test.ts reads the Parquet files
      const split = f.name.replace(".jsonl", "");
      expect(lines(f.name)).toHaveLength(f.rows);
      expect(e.splitCounts[split].rows).toBe(f.rows);
      total += f.rows;
      for (const l of lines(f.name)) {
        expect(promptSplits.get(l.prompt) ?? split).toBe(split); // a prompt never in two splits
        promptSplits.set(l.prompt, split);
      }
    }
    expect(total).toBe(72);
    expect(promptSplits.size).toBe(12);
    const card = fs.readFileSync(exportFile(e, "README.md").path, "utf8");
    expect(card).toMatch(/^---\nlicense: other/);
    expect(card).toContain("| Pairwise comparisons | 72 |");
    expect(card).toContain('path: "data/train-*.parquet"');

    const again = await getExport(db, e.id);
    expect(again).toMatchObject({ id: e.id, rowCount: 72, kind: "rm", createdById: admin.id });
    expect((await listExports(db)).some((x) => x.id === e.id)).toBe(true);
    expect(() => exportFile(e, "../../etc/passwd")).toThrow(/not found/);
    const audits = await db.auditLog.count({ where: { action: "export.create", targetId: e.id } });
    expect(audits).toBe(1);
  });
});

describe("the reward-model export's agreement and texts", () => {
  it("tallies the agreement from its own rows: the same figures as the pass over the rankings, imported rankings left out", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 2, rankingsPerTask: 3 });
    const { addRankingTask } = await import("../../lib/labeling/tasks");
    // a second round on the first prompt: two tasks of one prompt, their rankings interleaved in the stream
    const first = await db.task.findUniqueOrThrow({ where: { id: taskIds[0] } });
    const round2 = Array.from({ length: 4 }, (_, j) => ({ text: `round 2 answer ${j}`, source: "import" as const }));
    await db.$transaction((tx) => addRankingTask(tx, project, first.promptId, round2));
    const [admin, a, b, c] = await Promise.all([makeUser("admin"), makeUser(), makeUser(), makeUser()]);
    const orders = new Map([
      [a.id, "A > B > C > D"],
      [b.id, "A > C > B = D"],
      [c.id, "D > C > B > A"],
    ]);
    const byC: string[] = [];
    for (const u of [a, b, c])
      for (let i = 0; i < 3; i++) {
        const r = await rankNext(project.id, u, orders.get(u.id)!);
        if (u === c) byC.push(r.id);
      }
    await db.ranking.update({ where: { id: byC[0] }, data: { importedFrom: "prefs.jsonl" } });

    const f = createExportInput.parse({ kind: "rm", projectId: project.id, validation: 0 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-tally-"));
    const streamed = await streamSnapshot({
      connectionString: process.env.DATABASE_URL!,
      filters: f,
      dir,
      secret: "s".repeat(32),
      splits: ["train"],
      batchSize: 2,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(streamed.phases.agreement_s).toBe(0); // tallied, not a pass of its own

    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    const pass = await agreementPass(client, f);
    await client.query("COMMIT");
    await client.end();
    // three tasks ranked by a, b and c; c's first ranking imported: 1 + 3 + 3 labeler pairs
    expect(pass).toMatchObject({ tasksKept: 3, tasksDropped: 0, labelerPairs: 7 });
    // a~b agree on 4 of 6 pairs, a~c on none, b~c on 1: the task without c's imported ranking 4, the others 5
    expect(pass).toMatchObject({ sharedPairs: 7 * 6, agreements: 4 + 5 + 5 });
    expect(streamed.agreement).toEqual(pass);

    // each ranking's pairs name its own task's answers, though the texts come once per prompt
    const { all } = await exportOf(admin, f);
    expect(all).toHaveLength(3 * (6 + 5 + 6)); // a's and c's rankings 6 pairs each, b's 5 (its tie B = D left out)
    const round2Lines = all.filter((l) => String(l.chosen).startsWith("round 2"));
    expect(round2Lines).toHaveLength(6 + 5 + 6);
    expect(round2Lines.every((l) => String(l.rejected).startsWith("round 2"))).toBe(true);
    expect(all.filter((l) => String(l.rejected).startsWith("round 2"))).toHaveLength(6 + 5 + 6);
  });

  it("fails in one sentence when a pair names an answer that is not the ranked prompt's", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 2, rankingsPerTask: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    await rankNext(project.id, a, "A > B > C > D");
    await rankNext(project.id, a, "A > B > C > D");
    const [t0, t1] = await Promise.all(taskIds.map((id) => db.task.findUniqueOrThrow({ where: { id } })));
    const moved = await db.taskCompletion.findFirstOrThrow({ where: { taskId: t0!.id, position: 2 } });
    await db.completion.update({ where: { id: moved.completionId }, data: { promptId: t1!.promptId } });
    await expect(exportOf(admin, { kind: "rm", projectId: project.id, validation: 0 })).rejects.toThrow(
      `A stored pair names answer ${moved.completionId}, which is not an answer to the ranked prompt.`,
    );
  });
});

describe("export filters", () => {
  it("leaves out excluded labelers, labelers who opted out, listed labelers, and flagged answers", async () => {
    const { project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 3 });
    const [admin, a, b, c] = await Promise.all([makeUser("admin"), makeUser(), makeUser(), makeUser()]);
    for (const u of [a, b, c])
      for (let i = 0; i < 2; i++) await rankNext(project.id, u, "A > B > C > D", u === a ? [{ position: 3, flags: ["harmful_advice"] }] : []);
    await db.user.update({ where: { id: c.id }, data: { excludeFromExports: true } });

    const base = { kind: "rm" as const, projectId: project.id, validation: 0 };
    expect((await exportOf(admin, base)).e.rowCount).toBe(2 * 2 * 6); // a and b; c opted out
    expect((await exportOf(admin, { ...base, labelers: { exclude: [b.id] } })).e.rowCount).toBe(12);
    expect((await exportOf(admin, { ...base, labelers: { include: [b.id, c.id] } })).e.rowCount).toBe(12);
    // a flagged answer D: a's 3 pairs with D are left out of each of a's two rankings
    expect((await exportOf(admin, { ...base, excludeFlags: ["harmful_advice"] })).e.rowCount).toBe(24 - 6);
    // whole rankings drop the flagged answer and keep the rest of the order
    const whole = await exportOf(admin, { ...base, kind: "rankings", excludeFlags: ["harmful_advice"], labelers: { include: [a.id] } });
    expect(whole.all.map((l) => l.ranking)).toEqual(["A > B > C", "A > B > C"]);
  });

  it("keeps only tasks whose labelers agree enough", async () => {
    const { project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 2 });
    const [admin, a, b] = await Promise.all([makeUser("admin"), makeUser(), makeUser()]);
    const t1 = await rankNext(project.id, a, "A > B > C > D");
    await rankNext(project.id, a, "A > B > C > D");
    const task1 = (await db.ranking.findUniqueOrThrow({ where: { id: t1.id } })).taskId;
    // b agrees fully on task 1 and reverses task 2
    for (let i = 0; i < 2; i++) {
      const u = await db.user.findUniqueOrThrow({ where: { id: b.id } });
      const t = (await nextTask(pool, u, { projectId: project.id }))!;
      await submitRanking(pool, u, {
        clientId: crypto.randomUUID(),
        taskId: t.taskId,
        tiers: t.taskId === task1 ? "A > B > C > D" : "D > C > B > A",
        answers: [],
        timeSpentMs: 1,
      });
    }
    const { e } = await exportOf(admin, { kind: "rm", projectId: project.id, validation: 0, minAgreement: 0.5 });
    expect(e.rowCount).toBe(12); // task 1 only, both rankings
    const card = fs.readFileSync(exportFile(e, "README.md").path, "utf8");
    expect(card).toContain("Pairwise agreement: 100.0% over 6 answer pairs");
  });

  it("keeps only answers from the asked source model", async () => {
    const { project, taskIds } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    const items = await db.taskCompletion.findMany({ where: { taskId: taskIds[0] }, orderBy: { position: "asc" } });
    await db.completion.updateMany({ where: { id: { in: items.slice(0, 3).map((i) => i.completionId) } }, data: { sourceName: "gpt-x" } });
    await rankNext(project.id, a, "A > B > C > D");
    expect((await exportOf(admin, { kind: "rm", projectId: project.id, validation: 0, sourceModels: ["gpt-x"] })).e.rowCount).toBe(3);
  });

  it("gives an empty export with a clear note when nothing matches", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    await rankNext(project.id, a, "A > B > C > D");
    const { e, all } = await exportOf(admin, { kind: "rm", projectId: project.id, from: "2001-01-01", to: "2001-02-01" });
    expect(e.rowCount).toBe(0);
    expect(all).toEqual([]);
    expect(e.note).toMatch(/No rows matched these filters/);
    expect(fs.readFileSync(exportFile(e, "README.md").path, "utf8")).toContain("No rows matched");
  });
});

describe("whole rankings, SFT and PPO exports", () => {
  it("writes one line per ranking with notation, tiers, Likert, flags and a stable pseudonym", async () => {
    const { project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    await rankNext(
      project.id,
      a,
      [[0], [1], [2, 3]],
      [
        { position: 0, likert: 7 },
        { position: 3, likert: 2, flags: ["hallucination"] },
      ],
    );
    await rankNext(project.id, a, "B > A > D > C");
    const { e, all } = await exportOf(admin, { kind: "rankings", projectId: project.id, validation: 0 });
    expect(e.rowCount).toBe(2);
    const first = all.find((l) => l.ranking === "A > B > C = D")!;
    expect(first).toMatchObject({
      tiers: [[0], [1], [2, 3]],
      likert: [7, null, null, 2],
      flags: [[], [], [], ["hallucination"]],
      time_spent_ms: 1234,
    });
    expect(Object.keys(first).sort()).toEqual(["flags", "labeler", "likert", "prompt", "ranking", "responses", "tiers", "time_spent_ms"]);
    expect(all[0].labeler).toMatch(/^labeler-[0-9a-f]{10}$/);
    expect(all[1].labeler).toBe(all[0].labeler);
    const text = fs.readFileSync(exportFile(e, "train.jsonl").path, "utf8");
    expect(text).not.toContain(a.id);
    const other = await exportOf(admin, { kind: "rankings", projectId: project.id, validation: 0 });
    expect(other.all[0].labeler).not.toBe(all[0].labeler); // pseudonyms differ between exports
  });

  it("writes SFT demonstrations as prompt/completion and as messages, and PPO prompts", async () => {
    const { project } = await makeProject({ demoPrompts: 2, demonstrationsPerPrompt: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    for (let i = 0; i < 2; i++) {
      const t = (await nextTask(pool, a, { projectId: project.id }))!;
      await submitDemonstration(pool, a, { clientId: crypto.randomUUID(), taskId: t.taskId, text: `demo answer ${i}`, timeSpentMs: 5 });
    }
    const sft = await exportOf(admin, { kind: "sft", projectId: project.id, validation: 0 });
    expect(sft.all).toHaveLength(2);
    for (const l of sft.all) expect(Object.keys(l).sort()).toEqual(["completion", "prompt"]);
    const chat = await exportOf(admin, { kind: "sft", layout: "conversational", projectId: project.id, validation: 0 });
    for (const l of chat.all)
      expect(l.messages).toEqual([
        { role: "user", content: expect.any(String) },
        { role: "assistant", content: expect.stringMatching(/^demo answer/) },
      ]);
    const ppo = await exportOf(admin, { kind: "ppo", projectId: project.id, validation: 0 });
    expect(ppo.all.map((l) => Object.keys(l))).toEqual([["prompt"], ["prompt"]]);
  });
});

describe("export integrity", () => {
  it("is one snapshot while labelers keep submitting: counts match the files", async () => {
    const { project } = await makeProject({ rankingTasks: 30, rankingsPerTask: 1 });
    const [admin, a, b] = await Promise.all([makeUser("admin"), makeUser(), makeUser()]);
    for (let i = 0; i < 10; i++) await rankNext(project.id, a, "A > B > C > D");
    const submitting = (async () => {
      for (let i = 0; i < 20; i++) await rankNext(project.id, b, "A > B = C > D");
    })();
    const exports = [];
    for (let i = 0; i < 3; i++) exports.push(await exportOf(admin, { kind: "rm", projectId: project.id, validation: 0.5, includeTies: true }));
    await submitting;
    for (const { e, all } of exports) {
      expect(all).toHaveLength(e.rowCount);
      expect(e.rowCount % 6).toBe(0); // whole rankings only
      expect(Object.values(e.splitCounts).reduce((n, s) => n + s.rows, 0)).toBe(e.rowCount);
    }
  });

  it("streams the rows in a child process of its own, which reports its peak memory", async () => {
    const { project } = await makeProject({ rankingTasks: 2, rankingsPerTask: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    for (let i = 0; i < 2; i++) await rankNext(project.id, a, "A > B > C > D");
    const stats: { maxRssMb: number }[] = [];
    const e = await createExport(db, admin, createExportInput.parse({ kind: "rm", projectId: project.id, validation: 0 }), {
      onWorkerStats: (s) => stats.push(s),
    });
    expect(e.rowCount).toBe(12);
    expect(stats).toHaveLength(1);
    expect(stats[0].maxRssMb).toBeGreaterThan(0);
    expect(stats[0].maxRssMb).toBeLessThan(300);
  });

  it("leaves no Export row and no folder when the snapshot fails", async () => {
    const admin = await makeUser("admin");
    const before = fs.readdirSync(path.join(process.env.STORAGE_DIR!, "exports")).length;
    await expect(
      createExport(db, admin, createExportInput.parse({ kind: "rm" }), { connectionString: "postgresql://nobody@127.0.0.1:1/none" }),
    ).rejects.toThrow();
    expect(fs.readdirSync(path.join(process.env.STORAGE_DIR!, "exports")).length).toBe(before);
    expect(await db.export.count({ where: { createdById: admin.id } })).toBe(0); // this admin's: other files write exports too
  });

  it("rejects bad settings with the field named", () => {
    const r = createExportInput.safeParse({ kind: "rm", validation: 0.8, test: 0.5 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(["test"]);
    expect(createExportInput.safeParse({ kind: "nope" }).success).toBe(false);
  });
});
