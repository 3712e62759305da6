// Pairwise mode (issue 16): a K = 2 project stores Llama 2's preference strength on the comparison,
// exports it as TRL's margin (significantly 3, better 2, slightly 1, negligibly / unsure 0) beside
// `tie`, and the reward model's readers train with it.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { createExport } from "../../lib/exports/snapshot";
import { exportFile } from "../../lib/exports/store";
import { editRanking } from "../../lib/labeling/edit";
import { nextTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { strengthForKey } from "../../lib/ranking/strength";
import { createExportInput, type CreateExportRequest } from "../../lib/validation/export";
import { ByteTokenizer, readPairs, readRankings } from "../../ml/index";
import { makeProject, makeUser } from "../helpers/factories";

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "pairwise-test-"));
const pool = sqlPool();
type User = Awaited<ReturnType<typeof makeUser>>;

async function compareNext(projectId: string, u: User, tiers: string, strength?: "significantly" | "better" | "slightly" | "negligibly") {
  const t = await nextTask(pool, u, { projectId });
  return submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId: t!.taskId, tiers, strength, answers: [], timeSpentMs: 10 });
}

async function exportLines(admin: User, req: CreateExportRequest) {
  const e = await createExport(db, admin, createExportInput.parse(req));
  const files = e.files.filter((f) => f.name.endsWith(".jsonl")).map((f) => exportFile(e, f.name).path);
  const lines = files.flatMap((p) =>
    fs
      .readFileSync(p, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
  return { files, lines };
}

describe("the A | B keyboard scale", () => {
  it("1-4 pick A significantly … negligibly, 6-9 mirror them for B, 5 and 0 pick nothing", () => {
    expect(["1", "2", "3", "4", "6", "7", "8", "9"].map((k) => strengthForKey(k))).toEqual([
      { better: 0, strength: "significantly" },
      { better: 0, strength: "better" },
      { better: 0, strength: "slightly" },
      { better: 0, strength: "negligibly" },
      { better: 1, strength: "negligibly" },
      { better: 1, strength: "slightly" },
      { better: 1, strength: "better" },
      { better: 1, strength: "significantly" },
    ]);
    expect(strengthForKey("5")).toBeNull();
    expect(strengthForKey("0")).toBeNull();
  });
});

describe("pairwise comparisons with a preference strength", () => {
  it("stores the strength, refuses it on K > 2 and on a tie, and keeps it through an edit", async () => {
    const { project } = await makeProject({ k: 2, rankingTasks: 3, rankingsPerTask: 1 });
    const four = (await makeProject({ k: 4, rankingTasks: 1, rankingsPerTask: 1 })).project;
    const u = await makeUser();
    const r = await compareNext(project.id, u, "B > A", "slightly");
    const [c] = await db.comparison.findMany({ where: { rankingId: r.id } });
    expect(c).toMatchObject({ strength: "slightly", tie: false, margin: 1 });
    await expect(compareNext(four.id, u, "A > B > C > D", "better")).rejects.toThrow(
      "A preference strength fits only a task with two answers; this one has 4.",
    );
    await expect(compareNext(project.id, u, "A = B", "better")).rejects.toThrow(/A tie has no preference strength/);
    expect(await db.ranking.count({ where: { labelerId: u.id } })).toBe(1); // the refusals wrote nothing
    await editRanking(db, u, r.id, { tiers: "A > B" });
    expect((await db.comparison.findFirstOrThrow({ where: { rankingId: r.id } })).strength).toBe("slightly");
    await editRanking(db, u, r.id, { tiers: "A > B", strength: "significantly" });
    expect((await db.comparison.findFirstOrThrow({ where: { rankingId: r.id } })).strength).toBe("significantly");
    await editRanking(db, u, r.id, { tiers: "A = B" });
    expect((await db.comparison.findFirstOrThrow({ where: { rankingId: r.id } })).strength).toBeNull();
  });

  it("exports the strength as Llama 2's margin beside tie, and the reward model reads it", async () => {
    const { project } = await makeProject({ k: 2, rankingTasks: 4, rankingsPerTask: 1 });
    const [admin, u] = await Promise.all([makeUser("admin"), makeUser()]);
    await compareNext(project.id, u, "A > B", "significantly");
    await compareNext(project.id, u, "B > A", "better");
    await compareNext(project.id, u, "A > B", "negligibly");
    await compareNext(project.id, u, "A = B");
    const rm = await exportLines(admin, { kind: "rm", projectId: project.id, margin: true, validation: 0 });
    expect(rm.lines.map((l) => [l.margin, l.tie]).sort()).toEqual([
      [0, false],
      [2, false],
      [3, false],
    ]);
    // a "negligibly better" pair (margin 0, tie false) is a preference for the reward model, not a tie
    const tok = new ByteTokenizer();
    const pairs = readPairs(rm.files, tok, { margin: true }).flatMap((g) => g.pairs);
    expect(pairs.map((p) => [p.margin, p.tie]).sort()).toEqual([
      [0, false],
      [2, false],
      [3, false],
    ]);
    const withTies = await exportLines(admin, { kind: "rm", projectId: project.id, includeTies: true, validation: 0 });
    expect(withTies.lines.filter((l) => l.tie === true).map((l) => l.margin)).toEqual([0]);
    // whole rankings carry strength and margin on the pairwise rankings that have one
    const whole = await exportLines(admin, { kind: "rankings", projectId: project.id, validation: 0 });
    expect(whole.lines.map((l) => [l.ranking, l.strength ?? null, l.margin ?? null]).sort()).toEqual([
      ["A = B", null, null],
      ["A > B", "negligibly", 0],
      ["A > B", "significantly", 3],
      ["B > A", "better", 2],
    ]);
    const groups = readRankings(whole.files, tok, { includeTies: false });
    expect(groups.flatMap((g) => g.pairs.map((p) => p.margin)).sort()).toEqual([0, 2, 3]);
    const card = fs.readFileSync(path.join(path.dirname(whole.files[0]), "README.md"), "utf8");
    expect(card).toContain("significantly better → 3, better → 2, slightly better → 1, negligibly better / unsure → 0");
  });
});
