// An upload refused mid-stream (over the size limit) leaves no partial file behind, even when the
// refusal comes before the temporary file has finished opening (CI found a .part- file left once:
// the write stream's open landed after the cleanup had run).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "upload-partial-"));
process.env.STORAGE_DIR = path.join(tmp, "storage");
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("uploadFile over the limit", () => {
  it("refuses with 413 and leaves only the upload's owner file, 50 times in a row", async () => {
    const { startUpload, uploadFile } = await import("../../lib/models/upload");
    process.env.MODEL_UPLOAD_MAX_BYTES = "4096";
    try {
      const { id } = startUpload("user-1");
      const dir = path.join(process.env.STORAGE_DIR!, "uploads", id);
      const chunk = new Uint8Array(64 * 1024);
      for (let i = 0; i < 50; i++) {
        const body = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(chunk), c.close()) });
        await expect(uploadFile("user-1", id, "model.safetensors", body)).rejects.toMatchObject({ status: 413 });
        expect(fs.readdirSync(dir)).toEqual([".owner"]);
      }
    } finally {
      delete process.env.MODEL_UPLOAD_MAX_BYTES;
    }
  });
});
