// The JSONL split files (lib/exports/split-files.ts), written through a fixed buffer: each file must
// hold every line once, in order, with the sha256 of exactly its bytes, across many buffer flushes on a
// slow disk, a line larger than the buffer, non-ASCII text and two splits written in turn; a failed
// write fails the export where it is awaited.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SplitFiles } from "../../lib/exports/split-files";

describe("JSONL split files", () => {
  it("write every line once and in order, with the sha256 of the bytes written", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "split-files-"));
    const files = await SplitFiles.create(dir, ["train", "test"]);
    // a slow disk: each write starts 3 ms late (a buffer reused before its write is done would show here)
    for (const f of (files as unknown as { open: Map<string, { fh: fs.promises.FileHandle }> }).open.values()) {
      const write = f.fh.write.bind(f.fh) as (...a: unknown[]) => Promise<unknown>;
      (f.fh as unknown as { write: unknown }).write = async (...a: unknown[]) => (await new Promise((r) => setTimeout(r, 3)), write(...a));
    }
    const want: Record<string, string[]> = { train: [], test: [] };
    for (let i = 0; i < 30_000; i++) {
      const split = i % 7 === 0 ? "test" : "train";
      // about 2.4 MB in all: each split's 256 KiB buffer is written out many times
      const line = i === 12_345 ? "x".repeat(600_000) : JSON.stringify({ i, text: `réponse ${i} — ${"é".repeat(i % 50)}` });
      want[split]!.push(line);
      const bytes = Buffer.from(line, "utf8");
      // one line in parts, as json-line.ts gives it (a part boundary inside a two-byte character's text is fine: parts are bytes)
      const pending = files.add(split, [bytes.subarray(0, 7), bytes.subarray(7)], bytes.length);
      if (pending) await pending;
    }
    const done = await files.finish();
    for (const f of done) {
      const bytes = fs.readFileSync(path.join(dir, f.name));
      expect(bytes.toString("utf8")).toBe(want[f.split]!.map((l) => `${l}\n`).join(""));
      expect(f.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(f.bytes).toBe(bytes.length);
      expect(f.rows).toBe(want[f.split]!.length);
    }
    expect(done.map((f) => f.name).sort()).toEqual(["test.jsonl", "train.jsonl"]);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it("fails the export when a write fails, at the next flush or at the end, not in the background", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "split-files-"));
    const files = await SplitFiles.create(dir, ["train"]);
    // the file handle closed under it: every write fails with EBADF
    await (files as unknown as { open: Map<string, { fh: fs.promises.FileHandle }> }).open.get("train")!.fh.close();
    const add = async () => {
      for (let i = 0; i < 20_000; i++) {
        const line = Buffer.from(`line ${i} ${"y".repeat(40)}`);
        const pending = files.add("train", [line], line.length);
        if (pending) await pending;
      }
      await files.finish();
    };
    await expect(add()).rejects.toThrow(/EBADF|closed/);
    await files.abort();
    fs.rmSync(dir, { recursive: true });
  });
});
