// Gold tasks (issue 16): answer sets imported with a known ranking, mixed into each labeler's queue
// at the project's rate, indistinguishable in the payload, scored against the known ranking, able
// to leave a labeler out of exports, and never training data.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { createExport } from "../../lib/exports/snapshot";
import { exportFile } from "../../lib/exports/store";
import { importFile } from "../../lib/labeling/import";
import { nextTask, skipTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { goldAccuracy, goldExclusions, pairAgreement, wilson } from "../../lib/quality/gold";
import { createExportInput, type CreateExportRequest } from "../../lib/validation/export";
import { makeProject, makeUser, uniq } from "../helpers/factories";

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "gold-test-"));
const pool = sqlPool();
type User = Awaited<ReturnType<typeof makeUser>>;
const lines = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** `plain` answer sets and `gold` ones (known ranking B > A) of two answers each. */
async function pairProject(plain: number, gold: number, settings: { goldEvery?: number; goldMinAccuracy?: number } = {}) {
  const { project } = await makeProject({ k: 2, rankingsPerTask: 1 });
  await db.project.update({ where: { id: project.id }, data: settings });
  const admin = await makeUser("admin");
  const tag = uniq();
  const sets = [
    ...Array.from({ length: plain }, (_, i) => ({ prompt: `plain ${i} ${tag}`, responses: [`a${i}`, `b${i}`] })),
    ...Array.from({ length: gold }, (_, i) => ({ prompt: `known ${i} ${tag}`, responses: [`ka${i}`, `kb${i}`], gold_tiers: "B > A" })),
  ];
  const result = await importFile(db, admin, { projectId: project.id, kind: "answers", format: "jsonl", source: [lines(sets)] });
  const gold_ = await db.$queryRaw<{ id: string }[]>`SELECT id FROM "Task" WHERE "projectId" = ${project.id}::uuid AND gold IS NOT NULL`;
  const goldIds = new Set(gold_.map((t) => t.id));
  return { project, admin, result, goldIds };
}

async function exportLines(admin: User, req: CreateExportRequest) {
  const e = await createExport(db, admin, createExportInput.parse(req));
  return e.files
    .filter((f) => f.name.endsWith(".jsonl"))
    .flatMap((f) =>
      fs
        .readFileSync(exportFile(e, f.name).path, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
}

describe("importing gold tasks", () => {
  it("makes gold tasks from gold_tiers (notation or tiers), outside the open queue", async () => {
    const { project } = await makeProject({ k: 3, rankingsPerTask: 2 });
    const admin = await makeUser("admin");
    const tag = uniq();
    const file = lines([
      { prompt: `p1 ${tag}`, responses: ["x", "y", "z"], gold_tiers: "C > A = B" },
      { prompt: `p2 ${tag}`, responses: ["x", "y", "z"], gold_tiers: [[1], [0], [2]] },
      { prompt: `p3 ${tag}`, responses: ["x", "y", "z"] },
    ]);
    expect(await importFile(db, admin, { projectId: project.id, kind: "answers", format: "jsonl", source: [file] })).toMatchObject({ tasks: 3, gold: 2 });
    const tasks = await db.task.findMany({ where: { projectId: project.id, kind: "ranking" }, orderBy: { createdAt: "asc" }, include: { prompt: true } });
    const byPrompt = Object.fromEntries(tasks.map((t) => [(t.prompt.messages as { content: string }[])[0].content.split(" ")[0], t]));
    expect(byPrompt.p1).toMatchObject({ gold: [[2], [0, 1]], wanted: 0 });
    expect(byPrompt.p2).toMatchObject({ gold: [[1], [0], [2]], wanted: 0 });
    expect(byPrompt.p3).toMatchObject({ gold: null, wanted: 2 });
  });

  it("refuses a gold ranking that names a missing answer with one sentence, and imports nothing", async () => {
    const { project } = await makeProject({ k: 4 });
    const admin = await makeUser("admin");
    const tag = uniq();
    const file = lines([
      { prompt: `ok ${tag}`, responses: ["a", "b", "c", "d"], gold_tiers: "A > B > C > D" },
      { prompt: `bad ${tag}`, responses: ["a", "b", "c", "d"], gold_tiers: "A > B > E > D" },
    ]);
    const err = await importFile(db, admin, { projectId: project.id, kind: "answers", format: "jsonl", source: [file] }).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      "Line 2: the gold ranking does not fit the record's 4 answers (Answer E is not in this task, whose answers are A to D).",
    );
    const missing = lines([{ prompt: `m ${tag}`, responses: ["a", "b", "c", "d"], gold_tiers: [[0], [1], [2]] }]);
    await expect(importFile(db, admin, { projectId: project.id, kind: "answers", format: "jsonl", source: [missing] })).rejects.toThrow(
      "Line 1: the gold ranking does not fit the record's 4 answers (Answer D is not ranked).",
    );
    expect(await db.task.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(0);
  });
});

describe("gold tasks in the queue", () => {
  it("hands out gold at the project's rate (1 in 20) over 1,000 hand-outs, each gold task once, looking like any task", async () => {
    const { project, goldIds } = await pairProject(1000, 150, { goldEvery: 20 });
    const u = await makeUser();
    let gold = 0;
    const seen = new Set<string>();
    let plainKeys = "";
    let goldKeys = "";
    const keysOf = (t: object) => JSON.stringify(Object.keys(t).sort()) + JSON.stringify(Object.keys((t as { project: object }).project).sort());
    for (let i = 0; i < 1000; i++) {
      const t = await nextTask(pool, u, { projectId: project.id, kind: "ranking" });
      expect(t).not.toBeNull();
      expect(seen.has(t!.taskId)).toBe(false);
      seen.add(t!.taskId);
      if (goldIds.has(t!.taskId)) {
        gold++;
        goldKeys = keysOf(t!);
        expect(JSON.stringify(t)).not.toMatch(/gold/i);
      } else plainKeys = keysOf(t!);
      // submitted (not skipped), so the task leaves the open queue and each hand-out costs the same
      await submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId: t!.taskId, tiers: "A > B", answers: [], timeSpentMs: 1 });
    }
    // Binomial(1000, 1/20): mean 50, sd 6.9; 25..75 is about ±3.6 sd (a false alarm about 1 run in 3,000).
    expect(gold).toBeGreaterThanOrEqual(25);
    expect(gold).toBeLessThanOrEqual(75);
    expect(goldKeys).toBe(plainKeys);
  }, 900_000);

  it("never hands out gold when the rate is 0", async () => {
    const { project, goldIds } = await pairProject(30, 10, { goldEvery: 0 });
    const u = await makeUser();
    for (let i = 0; i < 30; i++) {
      const t = await nextTask(pool, u, { projectId: project.id });
      expect(goldIds.has(t!.taskId)).toBe(false);
      await skipTask(pool, u, { taskId: t!.taskId, reason: "x", report: false });
    }
  });
});

describe("gold accuracy and exports", () => {
  it("pairwise agreement with gold and its Wilson interval", () => {
    expect(pairAgreement([[0], [1], [2, 3]], [[0], [1], [2, 3]])).toEqual({ agreed: 6, pairs: 6 });
    expect(pairAgreement([[1], [0], [2, 3]], [[0], [1], [2], [3]])).toEqual({ agreed: 4, pairs: 6 });
    const ci = wilson(8, 10)!;
    expect(ci.low).toBeCloseTo(0.4902, 3);
    expect(ci.high).toBeCloseTo(0.9433, 3);
    expect(wilson(0, 0)).toBeNull();
  });

  it("scores labelers against gold, leaves one confidently below the threshold out of exports, tells the admin, and never exports gold", async () => {
    const { project, admin, goldIds } = await pairProject(6, 6, { goldEvery: 1, goldMinAccuracy: 0.8 });
    const [good, bad] = await Promise.all([makeUser(), makeUser()]);
    const rank = async (u: User, goldAnswer: string) => {
      const t = await nextTask(pool, u, { projectId: project.id });
      const isGold = goldIds.has(t!.taskId);
      await submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId: t!.taskId, tiers: isGold ? goldAnswer : "A > B", answers: [], timeSpentMs: 1 });
      return isGold;
    };
    // goldEvery 1: every ranking hand-out is gold while the labeler has gold left (and plain work remains)
    for (let i = 0; i < 3; i++) expect(await rank(good, "B > A")).toBe(true);
    for (let i = 0; i < 2; i++) expect(await rank(bad, "A > B")).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: bad.id } })).excludeFromExports).toBe(false); // 2 gold tasks: too few to judge
    expect(await rank(bad, "A > B")).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: bad.id } })).excludeFromExports).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: good.id } })).excludeFromExports).toBe(false);
    const acc = await goldAccuracy(db, project.id);
    expect(acc.map((a) => [a.email, a.tasks, a.accuracy])).toEqual([
      [bad.email, 3, 0],
      [good.email, 3, 1],
    ]);
    expect(acc[0].high).toBeLessThan(0.8);
    expect(acc[1].low).toBeGreaterThan(0.3);
    const notices = await goldExclusions(db, project.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ userId: bad.id, email: bad.email, threshold: 0.8, tasks: 3 });

    // the good labeler's plain rankings are exported; no gold ranking ever is, in any layout
    for (let i = 0; i < 6; i++) await rank(good, "B > A");
    const goldTexts = new Set((await db.completion.findMany({ where: { taskItems: { some: { taskId: { in: [...goldIds] } } } } })).map((c) => c.text));
    for (const req of [{ kind: "rm", includeTies: true, margin: true }, { kind: "rankings" }] as const) {
      const rows = await exportLines(admin, { ...req, projectId: project.id, validation: 0 });
      expect(rows.length).toBeGreaterThan(0);
      const texts = rows.flatMap((r) => [r.chosen, r.rejected, ...((r.responses as string[]) ?? [])]).filter((x) => typeof x === "string");
      expect(texts.filter((t) => goldTexts.has(t as string))).toEqual([]);
    }
    expect(await db.ranking.count({ where: { taskId: { in: [...goldIds] } } })).toBe(9); // 3 + 3 + the good labeler's 3 more
  });
});
