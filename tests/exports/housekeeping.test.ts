// Exports are bounded: at most EXPORT_CONCURRENCY are made at once (another gets a 429 sentence and
// writes nothing), and the ".<id>.partial" folders a crash leaves behind are swept once stale, never
// a folder still being written or a finished export.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { sweepPartialExports, takeExportSlot } from "../../lib/exports/housekeeping";
import { createExport } from "../../lib/exports/snapshot";
import { exportsRoot } from "../../lib/exports/store";
import { createExportInput } from "../../lib/validation/export";
import { makeProject, makeUser } from "../helpers/factories";

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "exports-housekeeping-"));
process.env.EXPORT_CONCURRENCY = "2";

describe("export concurrency", () => {
  it("makes at most 2 exports at once; a third gets a 429 sentence and leaves no row and no folder", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const held = [takeExportSlot(crypto.randomUUID()), takeExportSlot(crypto.randomUUID())]; // two exports in progress
    const before = fs.existsSync(exportsRoot()) ? fs.readdirSync(exportsRoot()) : [];
    const third = await createExport(db, admin, createExportInput.parse({ kind: "sft", projectId: project.id })).catch((e: Error & { status?: number }) => e);
    expect(third).toMatchObject({ status: 429, message: "2 exports are being made already; try again when one has finished." });
    expect(await db.export.count({ where: { projectId: project.id } })).toBe(0);
    expect(fs.existsSync(exportsRoot()) ? fs.readdirSync(exportsRoot()) : []).toEqual(before);
    held[0]();
    const made = await createExport(db, admin, createExportInput.parse({ kind: "sft", projectId: project.id }));
    expect(made.rowCount).toBe(0);
    held[1]();
    // The slot of a finished (or failed) export is given back.
    const slots = [takeExportSlot(crypto.randomUUID()), takeExportSlot(crypto.randomUUID())];
    slots.forEach((release) => release());
  });
});

describe("sweeping .partial folders", () => {
  it("removes stale .partial folders only: not a fresh one, not one being written, not a finished export", async () => {
    const root = exportsRoot();
    fs.mkdirSync(root, { recursive: true });
    const old = Date.now() / 1000 - 2 * 3600;
    const folder = (name: string, age?: number) => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "train.jsonl"), "{}\n");
      if (age !== undefined) {
        fs.utimesSync(path.join(dir, "train.jsonl"), age, age);
        fs.utimesSync(dir, age, age);
      }
      return name;
    };
    const stale = folder(`.${crypto.randomUUID()}.partial`, old);
    const fresh = folder(`.${crypto.randomUUID()}.partial`);
    const finished = folder(crypto.randomUUID(), old);
    const writingId = crypto.randomUUID();
    const writing = folder(`.${writingId}.partial`, old);
    const release = takeExportSlot(writingId); // this process is writing it (a slow export)
    const staleButAppended = folder(`.${crypto.randomUUID()}.partial`, old);
    fs.appendFileSync(path.join(root, staleButAppended, "train.jsonl"), "{}\n"); // its file was written just now
    try {
      expect(await sweepPartialExports()).toEqual([stale]);
      expect(fs.readdirSync(root).sort()).toEqual(expect.arrayContaining([fresh, finished, writing, staleButAppended]));
      expect(fs.existsSync(path.join(root, stale))).toBe(false);
    } finally {
      release();
    }
  });
});
