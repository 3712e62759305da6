// Importing existing preference datasets as rankings: TRL pairs (strings, messages, margin), our own
// rankings layout, Anthropic HH-RLHF and UltraFeedback ratings, from JSONL and Parquet; all-or-nothing
// with one sentence naming the file and the line or row; imported rankings are marked, never count in
// agreement, and exports keep, leave out or keep only them.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { createExport } from "../../lib/exports/snapshot";
import { exportFile } from "../../lib/exports/store";
import { importPreferences } from "../../lib/labeling/import-preferences";
import { nextTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { projectAgreementSummary } from "../../lib/quality/project-agreement";
import { qualityReport } from "../../lib/quality/report";
import { snapshotProjectLabels } from "../../lib/runs/dataset";
import { createExportInput } from "../../lib/validation/export";
import { newRunSchema } from "../../lib/validation/run";
import { makeProject, makeUser, uniq } from "../helpers/factories";

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "pref-import-test-"));
const lines = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

async function imported(projectId: string) {
  return db.ranking.findMany({
    where: { task: { projectId } },
    select: {
      notation: true,
      importedFrom: true,
      task: { select: { done: true, wanted: true } },
      comparisons: { select: { margin: true, importedMargin: true, tie: true } },
    },
    orderBy: { createdAt: "asc" },
  });
}

describe("importing preference data as rankings", () => {
  it("reads TRL pairs as strings and as messages, with an optional margin, marked with their source; a second import skips them", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const t = uniq();
    const file = lines([
      { prompt: `What is 2+2? ${t}`, chosen: "4", rejected: "5", margin: 2.5 },
      {
        prompt: [{ role: "user", content: `Hi ${t}` }],
        chosen: [{ role: "assistant", content: "Hello!" }],
        rejected: [{ role: "assistant", content: "Go away." }],
      },
    ]);
    const r = await importPreferences(db, admin, { projectId: project.id, format: "jsonl", source: [file], fileName: "pairs.jsonl" });
    expect(r).toMatchObject({ layout: "trl", records: 2, created: 2, duplicates: 0, comparisons: 2 });
    const rankings = await imported(project.id);
    expect(rankings.map((x) => x.notation)).toEqual(["A > B", "A > B"]);
    expect(rankings.every((x) => x.importedFrom === "trl: pairs.jsonl" && x.task.done === x.task.wanted)).toBe(true);
    expect(rankings[0].comparisons).toEqual([{ margin: 1, importedMargin: 2.5, tie: false }]);
    const chat = await db.prompt.findFirstOrThrow({ where: { projectId: project.id, format: "chat" } });
    expect(chat.messages).toEqual([{ role: "user", content: `Hi ${t}` }]);
    // Already complete: no labeler is ever handed an imported ranking.
    const labeler = await makeUser();
    expect(await nextTask(sqlPool(), labeler, { projectId: project.id })).toBeNull();
    const again = await importPreferences(db, admin, { projectId: project.id, format: "jsonl", source: [file], fileName: "pairs.jsonl" });
    expect(again).toMatchObject({ created: 0, duplicates: 2 });
  });

  it("reads Anthropic HH-RLHF transcripts: the shared prefix is the prompt (a whole chat), the last Assistant turns the answers", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const t = uniq();
    const prefix = `\n\nHuman: Tell me a joke ${t}\n\nAssistant: Which kind?\n\nHuman: A short one`;
    const r = await importPreferences(db, admin, {
      projectId: project.id,
      format: "jsonl",
      source: [lines([{ chosen: `${prefix}\n\nAssistant: Knock knock.`, rejected: `${prefix}\n\nAssistant: No.` }])],
      fileName: "hh.jsonl",
    });
    expect(r).toMatchObject({ layout: "hh-rlhf", created: 1 });
    const p = await db.prompt.findFirstOrThrow({ where: { projectId: project.id } });
    expect(p.messages).toEqual([
      { role: "user", content: `Tell me a joke ${t}` },
      { role: "assistant", content: "Which kind?" },
      { role: "user", content: "A short one" },
    ]);
    const texts = await db.completion.findMany({ where: { promptId: p.id }, select: { text: true }, orderBy: { text: "asc" } });
    expect(texts.map((x) => x.text)).toEqual(["Knock knock.", "No."]);
  });

  it("reads UltraFeedback ratings into tiers, best first, equal ratings tied; and our own rankings layout", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const t = uniq();
    const uf = lines([
      {
        instruction: `Explain rain ${t}`,
        completions: [
          { model: "m1", response: "Water falls.", overall_score: 6 },
          { model: "m2", response: "Clouds condense.", overall_score: 8.5 },
          { model: "m3", response: "Magic.", overall_score: 2 },
          { model: "m4", response: "Droplets grow.", overall_score: 8.5 },
        ],
      },
    ]);
    await importPreferences(db, admin, { projectId: project.id, format: "jsonl", source: [uf], fileName: "uf.jsonl" });
    const ours = lines([{ prompt: `Pick ${t}`, responses: ["a", "b", "c"], ranking: "C > A = B", likert: [3, null, 7], flags: [[], ["harmful"], []] }]);
    await importPreferences(db, admin, { projectId: project.id, format: "jsonl", source: [ours], fileName: "ours.jsonl" });
    const rankings = await imported(project.id);
    expect(rankings.map((x) => x.notation)).toEqual(["B = D > A > C", "C > A = B"]);
    expect(rankings[0].comparisons.filter((c) => c.tie)).toHaveLength(1);
    const answer = await db.rankingAnswer.findFirstOrThrow({ where: { completion: { text: "b" } } });
    expect(answer).toMatchObject({ flags: ["harmful"], likert: null, tier: 1 });
    const m2 = await db.completion.findFirstOrThrow({ where: { text: "Clouds condense." } });
    expect(m2.sourceName).toBe("m2");
  });

  it("reads a Parquet file (streamed by row group), and names a Parquet file whose columns fit no layout", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const t = uniq();
    const n = 30;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: "prompt", data: Array.from({ length: n }, (_, i) => `Q${i} ${t}`), type: "STRING" },
        { name: "chosen", data: Array.from({ length: n }, (_, i) => `good ${i}`), type: "STRING" },
        { name: "rejected", data: Array.from({ length: n }, (_, i) => `bad ${i}`), type: "STRING" },
      ],
      rowGroupSize: 7,
    });
    const r = await importPreferences(db, admin, { projectId: project.id, format: "parquet", source: [new Uint8Array(buf)], fileName: "train.parquet" });
    expect(r).toMatchObject({ layout: "trl", records: n, created: n });
    const bad = parquetWriteBuffer({
      columnData: [
        { name: "question", data: ["q"], type: "STRING" },
        { name: "answer", data: ["a"], type: "STRING" },
      ],
    });
    await expect(
      importPreferences(db, admin, { projectId: project.id, format: "parquet", source: [new Uint8Array(bad)], fileName: "odd.parquet" }),
    ).rejects.toThrow("odd.parquet: the columns (question, answer) are in none of the preference layouts");
    await expect(
      importPreferences(db, admin, { projectId: project.id, format: "parquet", source: ["not parquet at all"], fileName: "fake.parquet" }),
    ).rejects.toThrow("fake.parquet: the file is not a Parquet file");
    const badRow = parquetWriteBuffer({
      columnData: [
        { name: "prompt", data: ["p1", "p2"], type: "STRING" },
        { name: "chosen", data: ["x", "same"], type: "STRING" },
        { name: "rejected", data: ["y", "same"], type: "STRING" },
      ],
    });
    await expect(
      importPreferences(db, admin, { projectId: project.id, format: "parquet", source: [new Uint8Array(badRow)], fileName: "dup.parquet" }),
    ).rejects.toThrow("dup.parquet, row 2: chosen and rejected are the same text.");
  });

  it("imports nothing from a bad file and says what is wrong in one sentence naming the file and line", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const ok = { chosen: "\n\nHuman: hi\n\nAssistant: hello", rejected: "\n\nHuman: hi\n\nAssistant: bye" };
    const cases: [string, unknown[], RegExp][] = [
      [
        "hh.jsonl",
        [ok, { chosen: "\n\nHuman: hi\n\nAssistant: a", rejected: "\n\nHuman: hello\n\nAssistant: b" }],
        /^hh\.jsonl, line 2: the chosen and rejected transcripts do not share a prompt/,
      ],
      [
        "uf.jsonl",
        [{ prompt: "p", completions: [{ response: "only one", rating: 3 }] }],
        /^uf\.jsonl, line 1: the record has 1 completion; a ranking needs at least 2\.$/,
      ],
      [
        "mixed.jsonl",
        [{ prompt: "p", chosen: "a", rejected: "b" }, ok],
        /^mixed\.jsonl, line 2: the record is in the Anthropic HH-RLHF layout, but the file is in the TRL preference pairs layout\.$/,
      ],
      ["odd.jsonl", [{ question: "q" }], /^odd\.jsonl, line 1: the record is in none of the preference layouts/],
      ["rank.jsonl", [{ prompt: "p", responses: ["a", "b"], ranking: "A > C" }], /^rank\.jsonl, line 1: the ranking is not valid/],
    ];
    for (const [name, rows, message] of cases)
      await expect(importPreferences(db, admin, { projectId: project.id, format: "jsonl", source: [lines(rows)], fileName: name })).rejects.toThrow(message);
    expect(await db.prompt.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.ranking.count({ where: { task: { projectId: project.id } } })).toBe(0);
  });

  it("reads back our own whole-rankings export, its JSONL and its Parquet file, in both layouts, as the same ranking", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const admin = await makeUser("admin");
    const labeler = await makeUser();
    const u = await db.user.findUniqueOrThrow({ where: { id: labeler.id } });
    const task = (await nextTask(sqlPool(), u, { projectId: project.id }))!;
    const answers = [{ position: 1, likert: 6, flags: ["harmful_advice"] }];
    await submitRanking(sqlPool(), u, { clientId: crypto.randomUUID(), taskId: task.taskId, tiers: "B > A = C > D", answers, timeSpentMs: 10 });
    for (const layout of ["standard", "conversational"] as const) {
      const e = await createExport(db, admin, createExportInput.parse({ kind: "rankings", layout, projectId: project.id, validation: 0 }));
      for (const name of ["train.jsonl", "data/train-00000-of-00001.parquet"]) {
        const { project: target } = await makeProject();
        const r = await importPreferences(db, admin, {
          projectId: target.id,
          format: name.endsWith(".parquet") ? "parquet" : "jsonl",
          source: [fs.readFileSync(exportFile(e, name).path)],
          fileName: name,
        });
        expect(r, `${layout} ${name}`).toMatchObject({ layout: "rankings", records: 1, created: 1 });
        expect(
          (await imported(target.id)).map((x) => [x.notation, x.importedFrom]),
          `${layout} ${name}`,
        ).toEqual([["B > A = C > D", `rankings: ${name}`]]);
        const flagged = await db.rankingAnswer.findFirstOrThrow({ where: { ranking: { task: { projectId: target.id } }, likert: { not: null } } });
        expect(flagged).toMatchObject({ likert: 6, flags: ["harmful_advice"], tier: 0 });
      }
    }
  }, 240_000); // two exports, each a child process

  it("never counts imported rankings in labeler agreement, and exports keep, leave out or keep only them", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const admin = await makeUser("admin");
    const labeler = await makeUser();
    const u = await db.user.findUniqueOrThrow({ where: { id: labeler.id } });
    const task = (await nextTask(sqlPool(), u, { projectId: project.id }))!;
    await submitRanking(sqlPool(), u, { clientId: crypto.randomUUID(), taskId: task.taskId, tiers: "A > B > C > D", answers: [], timeSpentMs: 10 });
    await importPreferences(db, admin, {
      projectId: project.id,
      format: "jsonl",
      source: [lines([{ prompt: `x ${uniq()}`, chosen: "yes", rejected: "no", margin: 0.75 }])],
      fileName: "p.jsonl",
    });
    const report = await qualityReport(db, project.id);
    expect(JSON.stringify(report)).not.toContain(admin.email);
    // nor in the API's agreement figures: only the labeler's own ranking is counted, the importer is no labeler
    const summary = await projectAgreementSummary(db, project.id);
    expect(summary).toMatchObject({ rankings: 1, tasks: 1 });
    expect(summary.perLabeler.map((l) => l.labelerId)).toEqual([labeler.id]);
    const rows = async (importedLabels: "include" | "exclude" | "only") => {
      const e = await createExport(db, admin, createExportInput.parse({ kind: "rm", projectId: project.id, validation: 0, margin: true, importedLabels }));
      return fs
        .readFileSync(exportFile(e, "train.jsonl").path, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    };
    expect(await rows("include")).toHaveLength(7);
    expect(await rows("exclude")).toHaveLength(6);
    expect(await rows("only")).toEqual([{ prompt: expect.stringMatching(/^x /), chosen: "yes", rejected: "no", margin: 0.75, tie: false }]);
    // a run on "the project's labels now" keeps them (the default) or leaves them out the same way
    const input = newRunSchema.parse({ kind: "reward_model", projectId: project.id, dataset: { projectLabelsNow: true, importedLabels: "exclude" } });
    expect(input.dataset).toEqual({ projectLabelsNow: true, importedLabels: "exclude" });
    const snapshotRows = async (importedLabels?: "exclude") =>
      (await db.export.findUniqueOrThrow({ where: { id: await snapshotProjectLabels(admin, "reward_model", project.id, "rm now", importedLabels) } })).rowCount;
    expect(await snapshotRows()).toBe(2); // whole rankings: the labeler's and the imported one
    expect(await snapshotRows("exclude")).toBe(1);
  }, 360_000); // five exports, each a child process
});
