// Per-project label schema (issue 16): flags, rating axes and a rationale rule defined by the project,
// checked on submit, carried in whole-ranking exports and described in the dataset card; a schema
// change that would invalidate existing labels is one sentence and writes nothing.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { createExport } from "../../lib/exports/snapshot";
import { exportFile } from "../../lib/exports/store";
import { DEFAULT_LABEL_SCHEMA, labelSchemaInput, type LabelSchema } from "../../lib/labeling/label-schema";
import { updateLabelSchema } from "../../lib/labeling/label-schema-store";
import { nextTask } from "../../lib/labeling/queue";
import { submitRanking } from "../../lib/labeling/submit";
import { createExportInput } from "../../lib/validation/export";
import { rankingSubmission } from "../../lib/validation/ranking";
import { makeProject, makeUser } from "../helpers/factories";

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "label-schema-test-"));
const pool = sqlPool();

const SCHEMA: LabelSchema = {
  flags: [
    { id: "unsafe", label: "Unsafe" },
    { id: "off_topic", label: "Off topic" },
  ],
  ratings: [
    { id: "quality", label: "Overall quality", min: 1, max: 5 },
    { id: "helpfulness", label: "Helpfulness", min: 1, max: 3 },
  ],
  rationale: "required",
};

describe("the label schema", () => {
  it("checks submissions against the project's flags, axes and rationale rule; nothing is written on a refusal", async () => {
    const { project } = await makeProject({ k: 2, rankingTasks: 3, rankingsPerTask: 1 });
    const [admin, u] = await Promise.all([makeUser("admin"), makeUser()]);
    await updateLabelSchema(db, admin, project.id, SCHEMA);
    const t = await nextTask(pool, u, { projectId: project.id });
    expect(t!.project.labelSchema).toEqual(SCHEMA);
    const submit = (extra: object) =>
      submitRanking(pool, u, rankingSubmission.parse({ clientId: crypto.randomUUID(), taskId: t!.taskId, tiers: "A > B", timeSpentMs: 1, ...extra }));
    await expect(submit({ answers: [{ position: 0, flags: ["hallucination"] }], rationale: "x" })).rejects.toThrow(
      'Answer A has the flag "hallucination", which is not one of this project\'s flags.',
    );
    await expect(submit({ answers: [{ position: 1, likert: 7 }], rationale: "x" })).rejects.toThrow(
      "Answer B's Overall quality is 7; this project scores it from 1 to 5.",
    );
    await expect(submit({ answers: [{ position: 0, ratings: { helpfulness: 4 } }], rationale: "x" })).rejects.toThrow(
      "Answer A's Helpfulness is 4; this project scores it from 1 to 3.",
    );
    await expect(submit({ answers: [{ position: 0, ratings: { honesty: 2 } }], rationale: "x" })).rejects.toThrow(
      /"honesty", which is not one of this project's rating axes/,
    );
    await expect(submit({ answers: [] })).rejects.toThrow(/asks for a rationale/);
    expect(await db.ranking.count({ where: { labelerId: u.id } })).toBe(0);
    await submit({
      answers: [
        { position: 0, likert: 5, flags: ["off_topic"], ratings: { helpfulness: 3 } },
        { position: 1, likert: 2 },
      ],
      rationale: "A answers; B drifts.",
    });

    const e = await createExport(db, admin, createExportInput.parse({ kind: "rankings", projectId: project.id, validation: 0 }));
    const file = e.files.find((f) => f.name.endsWith(".jsonl"))!;
    const [row] = fs
      .readFileSync(exportFile(e, file.name).path, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(row).toMatchObject({ likert: [5, 2], flags: [["off_topic"], []], ratings: [{ helpfulness: 3 }, {}], rationale: "A answers; B drifts." });
    const card = fs.readFileSync(exportFile(e, "README.md").path, "utf8");
    expect(card).toContain("## Label schema");
    expect(card).toContain("`helpfulness`: Helpfulness, 1 to 3");
    expect(card).toContain("`off_topic`: Off topic");
    expect(card).toContain("A free-text rationale per ranking was required");
  });

  it("refuses a schema change that would invalidate existing labels, with one sentence, and writes nothing", async () => {
    const { project } = await makeProject({ k: 2, rankingTasks: 2, rankingsPerTask: 1 });
    const [admin, u] = await Promise.all([makeUser("admin"), makeUser()]);
    // defaults: InstructGPT's flags and the 1-7 quality score
    const t = await nextTask(pool, u, { projectId: project.id });
    expect(t!.project.labelSchema).toEqual(DEFAULT_LABEL_SCHEMA);
    await submitRanking(pool, u, {
      clientId: crypto.randomUUID(),
      taskId: t!.taskId,
      tiers: "A > B",
      answers: [{ position: 0, likert: 6, flags: ["hallucination"] }],
      timeSpentMs: 1,
    });
    const noHallucination = { ...DEFAULT_LABEL_SCHEMA, flags: DEFAULT_LABEL_SCHEMA.flags.filter((f) => f.id !== "hallucination") };
    await expect(updateLabelSchema(db, admin, project.id, noHallucination)).rejects.toThrow(
      '1 label uses the flag "hallucination", which the new schema leaves out: keep it (its label may change).',
    );
    const narrow = { ...DEFAULT_LABEL_SCHEMA, ratings: [{ id: "quality", label: "Overall quality", min: 1, max: 5 }] };
    await expect(updateLabelSchema(db, admin, project.id, narrow)).rejects.toThrow(
      "Existing labels score Overall quality from 6 to 6, outside the new range 1 to 5: widen the range to hold them.",
    );
    await expect(updateLabelSchema(db, admin, project.id, { ...DEFAULT_LABEL_SCHEMA, ratings: [] })).rejects.toThrow(/1 label scores "quality"/);
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).labelSchema).toBeNull();
    expect(await db.auditLog.count({ where: { action: "project.label_schema", targetId: project.id } })).toBe(0);
    // relabelling a flag and adding an axis is fine
    const renamed = {
      ...DEFAULT_LABEL_SCHEMA,
      flags: DEFAULT_LABEL_SCHEMA.flags.map((f) => (f.id === "hallucination" ? { ...f, label: "Made up facts" } : f)),
      ratings: [...DEFAULT_LABEL_SCHEMA.ratings, { id: "tone", label: "Tone", min: 1, max: 5 }],
      rationale: "optional" as const,
    };
    await updateLabelSchema(db, admin, project.id, renamed);
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).labelSchema).toEqual(renamed);
  });

  it("validates the schema itself", () => {
    expect(labelSchemaInput.safeParse({ ...SCHEMA, flags: [...SCHEMA.flags, { id: "unsafe", label: "x" }] }).success).toBe(false);
    expect(labelSchemaInput.safeParse({ ...SCHEMA, ratings: [{ id: "q", label: "Q", min: 3, max: 3 }] }).success).toBe(false);
    expect(labelSchemaInput.safeParse({ ...SCHEMA, flags: [{ id: "Bad Id", label: "x" }] }).success).toBe(false);
  });
});
