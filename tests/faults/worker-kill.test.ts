// A training worker killed (SIGKILL) in the middle of writing a checkpoint, between moving the
// previous one aside and moving the new one in: another worker takes the run over and resumes it
// from the last complete checkpoint, not from step 0 (bench/faults.ts runs the same scenario).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { killWorkerMidCheckpoint } from "../helpers/worker-fault";

const storage = fs.mkdtempSync(path.join(os.tmpdir(), "faults-worker-test-"));
process.env.STORAGE_DIR = storage;

// Generous: about 50 s on a quiet machine, over 4 minutes with the two cores shared by six builds and tests.
describe("a worker killed mid-checkpoint", { timeout: 600_000 }, () => {
  it("hands the run to another worker, which resumes it from the last complete checkpoint", async () => {
    const r = await killWorkerMidCheckpoint({ storage, steps: 75, saveEvery: 25, staleMs: 3000 });
    expect(r.error ?? "", r.logTail).toBe("");
    expect(r.status).toBe("succeeded");
    expect(r.attempt).toBe(2);
    expect(r.lastComplete).toBe(25); // the second save (step 50) was the one cut short
    expect(r.resumedFrom, r.logTail).toBe(25);
    expect(r.logTail).toMatch(/restored model from model\.old-/);
    expect(r.finalStep).toBe(75);
    expect(r.leftovers).toEqual([]);
  });
});
