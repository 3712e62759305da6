// Parquet exports, read back with an independent reader (hyparquet, a devDependency): every kind and
// layout holds the same rows as its JSONL files, in the Hugging Face layout (data/{split}-0000i-of-0000N.parquet)
// that the card's YAML names; large exports are split into row groups and shards.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { createExport, type CreateExportOptions } from "../../lib/exports/snapshot";
import { exportFile, type ExportView } from "../../lib/exports/store";
import { nextTask } from "../../lib/labeling/queue";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { createExportInput, type CreateExportRequest } from "../../lib/validation/export";
import { makeProject, makeUser } from "../helpers/factories";

const pool = sqlPool();
process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "parquet-test-"));

/** hyparquet reads INT64 as bigint; JSON has numbers. */
const plain = (v: unknown): unknown =>
  typeof v === "bigint"
    ? Number(v)
    : Array.isArray(v)
      ? v.map(plain)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
        : v;

async function readParquet(p: string) {
  const file = await asyncBufferFromFile(p);
  const meta = await parquetMetadataAsync(file);
  return { rows: (await parquetReadObjects({ file })).map(plain) as Record<string, unknown>[], meta };
}

const jsonl = (p: string) => {
  const t = fs.readFileSync(p, "utf8");
  return t === ""
    ? []
    : t
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
};
const sha256 = (p: string) => crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");

async function exportBoth(admin: { id: string }, req: CreateExportRequest, opts: CreateExportOptions = {}) {
  const e: ExportView = await createExport(db, admin, createExportInput.parse(req), opts);
  const parquet = e.files.filter((f) => f.name.endsWith(".parquet"));
  for (const f of parquet) expect(sha256(exportFile(e, f.name).path)).toBe(f.sha256);
  return { e, parquet };
}

/** Every split: the Parquet shards' rows, in order, equal the JSONL file's rows. */
async function expectSameRows(e: ExportView) {
  const splits = e.files.filter((f) => f.name.endsWith(".jsonl")).map((f) => f.name.replace(".jsonl", ""));
  let total = 0;
  for (const split of splits) {
    const shards = e.files
      .filter((f) => f.name.startsWith(`data/${split}-`))
      .map((f) => f.name)
      .sort();
    expect(shards.length).toBeGreaterThan(0);
    shards.forEach((name, i) => expect(name).toBe(`data/${split}-${String(i).padStart(5, "0")}-of-${String(shards.length).padStart(5, "0")}.parquet`));
    const rows = [];
    for (const name of shards) rows.push(...(await readParquet(exportFile(e, name).path)).rows);
    const lines = jsonl(exportFile(e, `${split}.jsonl`).path) as Record<string, unknown>[];
    // an optional column is null in Parquet where the JSON line leaves the key out; ratings travel as JSON text
    const asJsonl = rows.map((r: Record<string, unknown>, i) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([k, v]) => !(v === null && !(k in (lines[i] ?? {}))))
          .map(([k, v]) => [k, k === "ratings" && typeof v === "string" ? JSON.parse(v) : v]),
      ),
    );
    expect(asJsonl).toEqual(lines);
    total += rows.length;
  }
  expect(total).toBe(e.rowCount);
  return total;
}

async function rankNext(projectId: string, user: { id: string }, tiers: string, answers: { position: number; likert?: number; flags?: string[] }[] = []) {
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  const t = (await nextTask(pool, u, { projectId, kind: "ranking" }))!;
  return submitRanking(pool, u, { clientId: crypto.randomUUID(), taskId: t.taskId, tiers, answers: answers as never, timeSpentMs: 1234 });
}

describe("Parquet exports", () => {
  // One project with rankings (ties, Likert, flags) and demonstrations, shared by the per-kind checks.
  const data = (async () => {
    const { project } = await makeProject({ rankingTasks: 3, rankingsPerTask: 1, demoPrompts: 2, demonstrationsPerPrompt: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    for (let i = 0; i < 3; i++) await rankNext(project.id, a, "A > B > C = D", [{ position: 0, likert: 6, flags: ["harmful_advice"] }]);
    for (let i = 0; i < 2; i++) {
      const t = (await nextTask(pool, a, { projectId: project.id, kind: "demonstration" }))!;
      await submitDemonstration(pool, a, { clientId: crypto.randomUUID(), taskId: t.taskId, text: `demo answer ${i}`, timeSpentMs: 5 });
    }
    return { project, admin };
  })();
  data.catch(() => {}); // reported by the first test that awaits it

  it.each(["rm", "rankings", "sft", "ppo"] as const)(
    "hold the same rows as the JSONL files: %s, both layouts",
    async (kind) => {
      const { project, admin } = await data;
      for (const layout of ["standard", "conversational"] as const) {
        const { e } = await exportBoth(admin, { kind, layout, projectId: project.id, validation: 0.5, includeTies: kind === "rm", margin: kind === "rm" });
        expect(await expectSameRows(e), `${kind} ${layout}`).toBeGreaterThan(0);
      }
    },
    240_000,
  ); // two exports, each a child process; the first also makes the shared data

  it("types every column: int64, bool, lists with nulls, lists of lists, message structs", async () => {
    const { project, admin } = await data;
    const { e } = await exportBoth(admin, { kind: "rankings", layout: "conversational", projectId: project.id, validation: 0 });
    const { rows } = await readParquet(exportFile(e, "data/train-00000-of-00001.parquet").path);
    expect(rows[0].prompt).toEqual([{ role: "user", content: expect.stringMatching(/^rank prompt/) }]);
    expect(rows[0].tiers).toEqual([[0], [1], [2, 3]]);
    expect(rows[0].likert).toEqual([6, null, null, null]);
    expect(rows[0].flags).toEqual([["harmful_advice"], [], [], []]);
    const rm = await exportBoth(admin, { kind: "rm", projectId: project.id, validation: 0, includeTies: true });
    const pairs = (await readParquet(exportFile(rm.e, "data/train-00000-of-00001.parquet").path)).rows;
    expect(pairs.filter((r) => r.tie === true).map((r) => r.margin)).toEqual([0, 0, 0]);
  });

  it("makes the folder a Hugging Face dataset repository: the card's YAML names the data files, features and split sizes", async () => {
    const { project } = await makeProject({ rankingTasks: 4, rankingsPerTask: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    for (let i = 0; i < 4; i++) await rankNext(project.id, a, "A > B > C = D");
    const { e } = await exportBoth(admin, {
      kind: "rm",
      layout: "conversational",
      projectId: project.id,
      validation: 0.5,
      includeTies: true,
      license: "cc-by-4.0",
    });
    const card = fs.readFileSync(exportFile(e, "README.md").path, "utf8");
    const yaml = card.split("---\n")[1];
    expect(yaml).toMatch(/^license: cc-by-4.0$/m);
    expect(yaml).toContain(
      'configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: "data/train-*.parquet"\n  - split: validation\n    path: "data/validation-*.parquet"',
    );
    expect(yaml).toContain(
      "dataset_info:\n  features:\n  - name: prompt\n    list:\n    - name: role\n      dtype: string\n    - name: content\n      dtype: string\n",
    );
    expect(yaml).toContain("  - name: margin\n    dtype: float64\n  - name: tie\n    dtype: bool\n");
    for (const split of ["train", "validation"]) {
      const rows = e.splitCounts[split].rows;
      const bytes = e.files.filter((f) => f.name.startsWith(`data/${split}-`)).reduce((n, f) => n + f.bytes, 0);
      expect(yaml).toContain(`  - name: ${split}\n    num_bytes: ${bytes}\n    num_examples: ${rows}\n`);
    }
    expect(card).toContain("`train.jsonl`");
    // Every path the card names exists in the folder.
    const dir = path.dirname(exportFile(e, "README.md").path);
    expect(fs.readdirSync(path.join(dir, "data")).sort()).toEqual(
      ["data/train-00000-of-00001.parquet", "data/validation-00000-of-00001.parquet"].map((f) => f.slice(5)),
    );
  });

  it("streams in row groups and continues in a new shard past the shard size, and the rows still read back in order", async () => {
    const { project } = await makeProject({ rankingTasks: 12, rankingsPerTask: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    for (let i = 0; i < 12; i++) await rankNext(project.id, a, "A > B > C > D");
    const { e, parquet } = await exportBoth(admin, { kind: "rm", projectId: project.id, validation: 0 }, { parquet: { rowGroupRows: 7, shardBytes: 1500 } });
    expect(e.rowCount).toBe(72);
    expect(parquet.length).toBeGreaterThan(1);
    const { meta } = await readParquet(exportFile(e, parquet[0].name).path);
    expect(meta.row_groups.length).toBeGreaterThan(1);
    expect(meta.row_groups.every((g) => Number(g.num_rows) <= 7)).toBe(true);
    expect(parquet.reduce((n, f) => n + (f.rows ?? 0), 0)).toBe(72);
    await expectSameRows(e);
  });

  it("serves a Parquet file for download by its listed name, URL-encoded or not", async () => {
    const { project } = await makeProject({ rankingTasks: 1, rankingsPerTask: 1 });
    const [admin, a] = await Promise.all([makeUser("admin"), makeUser()]);
    await rankNext(project.id, a, "A > B > C > D");
    const { e } = await exportBoth(admin, { kind: "rm", projectId: project.id, validation: 0 });
    const name = "data/train-00000-of-00001.parquet";
    expect(exportFile(e, encodeURIComponent(name)).path).toBe(exportFile(e, name).path);
    expect(() => exportFile(e, "data%2F..%2F..%2Fsecret")).toThrow(/not found|was not found/i);
  });
});
