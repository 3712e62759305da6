// The review queue and its decisions (issue 16), and what they do to exports, byte for byte.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db, sqlPool } from "../../lib/db";
import { LABEL_CHOICE_TEXT } from "../../lib/exports/layouts";
import { pseudonymizer } from "../../lib/exports/pseudonym";
import { createExport, exportSecret } from "../../lib/exports/snapshot";
import { exportFile } from "../../lib/exports/store";
import { nextTask, skipTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { setMember } from "../../lib/membership/members";
import { NOT_A_MEMBER } from "../../lib/review/access";
import { decide } from "../../lib/review/decide";
import { bulkRecords, searchRecords } from "../../lib/review/records";
import { reviewQueue } from "../../lib/review/queue";
import { taskDetail } from "../../lib/review/task-detail";
import { createExportInput, type CreateExportRequest } from "../../lib/validation/export";
import { makeProject, makeUser } from "../helpers/factories";

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "review-test-"));
const pool = sqlPool();

let project: Awaited<ReturnType<typeof makeProject>>["project"];
let taskIds: string[];
let l1: SessionUser, l2: SessionUser, reviewer: SessionUser, outsider: SessionUser, admin: SessionUser;
const rankingOf: Record<string, string> = {}; // `${task}:${labeler}` -> ranking id

async function rank(u: SessionUser, tiers: string) {
  const t = await nextTask(pool, u, { projectId: project.id });
  const r = await submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId: t!.taskId, tiers, answers: [], timeSpentMs: 1234 });
  rankingOf[`${t!.taskId}:${u.id}`] = r.id;
  return t!.taskId;
}

beforeAll(async () => {
  ({ project, taskIds } = await makeProject({ k: 3, rankingTasks: 3, rankingsPerTask: 2 }));
  [l1, l2, reviewer, outsider, admin] = await Promise.all([makeUser(), makeUser(), makeUser("reviewer"), makeUser("reviewer"), makeUser("admin")]);
  await setMember(db, admin, project.id, { userId: reviewer.id, role: "reviewer" });
  await db.projectMember.delete({ where: { projectId_userId: { projectId: project.id, userId: outsider.id } } });
  // Task 0: A > B > C against C > B > A (no agreement). Task 1: A > B > C and A > B = C. Task 2: reported.
  expect(await rank(l1, "A > B > C")).toBe(taskIds[0]);
  expect(await rank(l2, "C > B > A")).toBe(taskIds[0]);
  expect(await rank(l1, "A > B > C")).toBe(taskIds[1]);
  expect(await rank(l2, "A > B = C")).toBe(taskIds[1]);
  const t = await nextTask(pool, l1, { projectId: project.id });
  expect(t!.taskId).toBe(taskIds[2]);
  await skipTask(pool, l1, { taskId: taskIds[2], reason: "the answers are in Klingon", report: true });
});

describe("the review queue", () => {
  it("lists the reported task, the lowest-agreement task first, and a sample, with every ranking and who gave it", async () => {
    const q = await reviewQueue(db, reviewer, { projectId: project.id });
    expect(q.reported.map((r) => r.taskId)).toEqual([taskIds[2]]);
    expect(q.lowestAgreement.map((r) => [r.taskId, r.agreement])).toEqual([
      [taskIds[0], 0],
      [taskIds[1], 2 / 3],
    ]);
    expect(q.sample.length).toBeGreaterThan(0);
    const d = await taskDetail(db, taskIds[0]);
    expect(d.answers.map((a) => [a.letter, a.text])).toEqual([
      ["A", "answer 0 to 0"],
      ["B", "answer 1 to 0"],
      ["C", "answer 2 to 0"],
    ]);
    expect(d.rankings.map((r) => [r.labeler, r.notation])).toEqual([
      [l1.email, "A > B > C"],
      [l2.email, "C > B > A"],
    ]);
    const reported = await taskDetail(db, taskIds[2]);
    expect(reported.reports).toEqual([expect.objectContaining({ labeler: l1.email, reported: true, reason: "the answers are in Klingon" })]);
  });

  it("refuses a reviewer outside the project with one sentence and writes nothing", async () => {
    const before = await db.auditLog.count({ where: { targetId: taskIds[0] } });
    await expect(decide(db, outsider, taskIds[0], { decision: "accept", reason: "looks fine" })).rejects.toThrow(NOT_A_MEMBER);
    await expect(bulkRecords(db, outsider, { action: "discard", taskIds: [taskIds[0]], reason: "x" })).rejects.toThrow(NOT_A_MEMBER);
    expect(await db.taskReview.count({ where: { taskId: taskIds[0] } })).toBe(0);
    expect(await db.labelDiscard.count({ where: { taskId: taskIds[0] } })).toBe(0);
    expect(await db.auditLog.count({ where: { targetId: taskIds[0] } })).toBe(before);
    expect((await reviewQueue(db, outsider, { projectId: project.id })).lowestAgreement).toEqual([]);
  });

  it("refuses a bad override (an answer left out) with one sentence and writes nothing", async () => {
    await expect(decide(db, reviewer, taskIds[0], { decision: "override", tiers: "B > A", reason: "x" })).rejects.toThrow(/C/);
    expect(await db.taskReview.count({ where: { taskId: taskIds[0] } })).toBe(0);
  });

  it("records accept, override and discard, each with its reason in the audit log, and empties the queue", async () => {
    await decide(db, reviewer, taskIds[0], { decision: "override", tiers: "B > A = C", reason: "B is the only correct answer" });
    await decide(db, reviewer, taskIds[1], { decision: "discard", rankingId: rankingOf[`${taskIds[1]}:${l2.id}`], reason: "ranked without reading" });
    await expect(decide(db, reviewer, taskIds[1], { decision: "discard", rankingId: rankingOf[`${taskIds[1]}:${l2.id}`], reason: "again" })).rejects.toThrow(
      "That label is already discarded.",
    );
    await decide(db, reviewer, taskIds[2], { decision: "accept", reason: "the answers are fine" });
    const log = await db.auditLog.findMany({ where: { targetId: { in: taskIds }, action: { startsWith: "review." } }, orderBy: { id: "asc" } });
    expect(log.map((a) => [a.action, (a.detail as { reason: string }).reason])).toEqual([
      ["review.override", "B is the only correct answer"],
      ["review.discard", "ranked without reading"],
      ["review.accept", "the answers are fine"],
    ]);
    const q = await reviewQueue(db, reviewer, { projectId: project.id });
    expect(q.reported).toEqual([]);
    // Task 0 is reviewed; task 1 has one label left after the discard, so no agreement to rank it by.
    expect(q.lowestAgreement).toEqual([]);
    const d = await taskDetail(db, taskIds[1]);
    expect(d.rankings.map((r) => [r.notation, r.discarded?.reason ?? null])).toEqual([
      ["A > B > C", null],
      ["A > B = C", "ranked without reading"],
    ]);
    expect((await taskDetail(db, taskIds[0])).review).toMatchObject({ decision: "override", notation: "B > A = C", reviewer: reviewer.email });
  });
});

describe("exports by review state", () => {
  async function exported(req: CreateExportRequest) {
    const e = await createExport(db, admin, createExportInput.parse({ projectId: project.id, validation: 0, ...req }));
    return {
      text: fs.readFileSync(exportFile(e, "train.jsonl").path, "utf8"),
      card: fs.readFileSync(exportFile(e, "README.md").path, "utf8"),
      nym: pseudonymizer(exportSecret(e.id)),
    };
  }
  // The prompts in export order (by prompt id), with their task.
  async function promptOrder() {
    const tasks = await db.task.findMany({ where: { id: { in: taskIds.slice(0, 2) } }, select: { id: true, promptId: true } });
    return tasks.sort((a, b) => (a.promptId < b.promptId ? -1 : 1)).map((t) => taskIds.indexOf(t.id));
  }
  const row = (i: number, ranking: string, tiers: number[][], labeler: string, ms: number) =>
    JSON.stringify({
      prompt: `rank prompt ${i} ${project.slug}`,
      responses: [0, 1, 2].map((j) => `answer ${j} to ${i}`),
      ranking,
      tiers,
      likert: [null, null, null],
      flags: [[], [], []],
      labeler,
      time_spent_ms: ms,
    });

  it("all labels: every label but the discarded one", async () => {
    const { text, card, nym } = await exported({ kind: "rankings", labels: "all" });
    const rows: Record<number, string[]> = {
      0: [row(0, "A > B > C", [[0], [1], [2]], nym(l1.id), 1234), row(0, "C > B > A", [[2], [1], [0]], nym(l2.id), 1234)],
      1: [row(1, "A > B > C", [[0], [1], [2]], nym(l1.id), 1234)],
    };
    expect(text).toBe((await promptOrder()).flatMap((i) => rows[i]).join("\n") + "\n");
    expect(card).toContain(`## Labels\n\n${LABEL_CHOICE_TEXT.all}\n`);
  });

  it("reviewed where available: the override alone for the overridden task, the labels elsewhere", async () => {
    const { text, card, nym } = await exported({ kind: "rankings", labels: "reviewed" });
    const rows: Record<number, string[]> = {
      0: [row(0, "B > A = C", [[1], [0, 2]], "reviewed", 0)],
      1: [row(1, "A > B > C", [[0], [1], [2]], nym(l1.id), 1234)],
    };
    expect(text).toBe((await promptOrder()).flatMap((i) => rows[i]).join("\n") + "\n");
    expect(card).toContain(`## Labels\n\n${LABEL_CHOICE_TEXT.reviewed}\n`);
  });

  it("consensus: one ranking per task, the override where there is one", async () => {
    const { text, card } = await exported({ kind: "rankings", labels: "consensus" });
    const rows: Record<number, string[]> = {
      0: [row(0, "B > A = C", [[1], [0, 2]], "reviewed", 0)],
      1: [row(1, "A > B > C", [[0], [1], [2]], "consensus", 0)],
    };
    expect(text).toBe((await promptOrder()).flatMap((i) => rows[i]).join("\n") + "\n");
    expect(card).toContain(`## Labels\n\n${LABEL_CHOICE_TEXT.consensus}\n`);
  });

  it("reward-model pairs of the reviewed ranking: B > A = C is B over A and B over C (the tie only when asked for)", async () => {
    // margin and tie travel together (a tie is never read as a preference, nor a margin-0 preference as a tie)
    const pairs = (i: number, p: [number, number, number][], _ties: boolean) =>
      p.map(([c, r, m]) =>
        JSON.stringify({ prompt: `rank prompt ${i} ${project.slug}`, chosen: `answer ${c} to ${i}`, rejected: `answer ${r} to ${i}`, margin: m, tie: m === 0 }),
      );
    const { text } = await exported({ kind: "rm", labels: "consensus", margin: true });
    const rows: Record<number, string[]> = {
      0: pairs(
        0,
        [
          [1, 0, 1],
          [1, 2, 1],
        ],
        false,
      ),
      1: pairs(
        1,
        [
          [0, 1, 1],
          [0, 2, 2],
          [1, 2, 1],
        ],
        false,
      ),
    };
    expect(text).toBe((await promptOrder()).flatMap((i) => rows[i]).join("\n") + "\n");
    const withTies = await exported({ kind: "rm", labels: "reviewed", includeTies: true });
    const lines = withTies.text.trimEnd().split("\n");
    expect(lines.filter((l) => l.includes('to 0"'))).toEqual(
      pairs(
        0,
        [
          [1, 0, 1],
          [0, 2, 0],
          [1, 2, 1],
        ],
        true,
      ),
    );
  });
});

describe("the records page", () => {
  it("finds tasks by answer text and by status, and re-queues or discards in bulk with a reason", async () => {
    const byText = await searchRecords(db, reviewer, { q: "answer 2 to 1", project: project.id });
    expect(byText.rows.map((r) => r.taskId)).toEqual([taskIds[1]]);
    const reviewed = await searchRecords(db, reviewer, { status: "reviewed", project: project.id });
    expect(reviewed.rows.map((r) => r.taskId).sort()).toEqual([taskIds[0], taskIds[2]].sort());
    const low = await searchRecords(db, reviewer, { project: project.id, maxAgreement: 0.5 });
    expect(low.rows.map((r) => r.taskId)).toEqual([taskIds[0]]);
    expect((await searchRecords(db, outsider, { project: project.id })).rows).toEqual([]);
    expect((await searchRecords(db, reviewer, { project: project.id, status: "gold" })).rows).toEqual([]);

    await bulkRecords(db, reviewer, { action: "requeue", taskIds: [taskIds[1]], reason: "needs a third opinion" });
    expect((await db.task.findUniqueOrThrow({ where: { id: taskIds[1] } })).wanted).toBe(3);
    const third = await makeUser();
    expect((await nextTask(pool, third, { projectId: project.id }))?.taskId).toBe(taskIds[1]);
    const r = await bulkRecords(db, reviewer, { action: "discard", taskIds: [taskIds[0]], reason: "prompt is ambiguous" });
    expect(r.changed).toBe(2);
    const discarded = await searchRecords(db, reviewer, { status: "discarded", project: project.id });
    expect(discarded.rows.map((x) => x.taskId).sort()).toEqual([taskIds[0], taskIds[1]].sort());
    const audit = await db.auditLog.findMany({ where: { action: { startsWith: "records." }, targetId: { in: taskIds } } });
    expect(audit.map((a) => [a.action, (a.detail as { reason: string }).reason]).sort()).toEqual([
      ["records.discard", "prompt is ambiguous"],
      ["records.requeue", "needs a third opinion"],
    ]);
  });
});
