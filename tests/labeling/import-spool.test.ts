// An import whose upload fails mid-stream leaves no temporary folder behind, even when the failure
// comes before the spool file has finished opening (the race the model upload had: the write
// stream's open landed after the cleanup, and the folder's removal then failed or left the file).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withSpooledFile } from "../../lib/imports/spool";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-spool-"));
process.env.TMPDIR = tmp; // os.tmpdir() reads it on each call; this file runs in its own process
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function* failing(): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode('{"prompt": "a"}\n');
  throw new Error("the client went away");
}

describe("withSpooledFile", () => {
  it("hands the callback the whole upload in a file, and removes it after", async () => {
    let seen = "";
    let file = "";
    const out = await withSpooledFile(["line 1\n", new TextEncoder().encode("line 2\n")], async (f) => {
      file = f;
      seen = fs.readFileSync(f, "utf8");
      expect((fs.statSync(f).mode & 0o777).toString(8)).toBe("600");
      return 7;
    });
    expect(out).toBe(7);
    expect(seen).toBe("line 1\nline 2\n");
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("removes the file when the callback throws", async () => {
    await expect(
      withSpooledFile(["x\n"], async () => {
        throw new Error("bad line 1");
      }),
    ).rejects.toThrow("bad line 1");
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("a source that fails at once rejects with its error and leaves nothing, 50 times in a row", async () => {
    for (let i = 0; i < 50; i++) {
      await expect(withSpooledFile(failing(), async () => 1)).rejects.toThrow("the client went away");
      expect(fs.readdirSync(tmp)).toEqual([]);
    }
  });
});
