// A checkpoint save cut short by a kill: the folder a resume reads must hold the last complete
// checkpoint. The on-disk states a SIGKILL can leave are made by hand here (the end-to-end kill
// is in worker-kill.test.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCheckpoint, recoverCheckpoint, saveCheckpoint } from "../../ml/checkpoint/checkpoint";
import { gptConfig, initGPT } from "../../ml/model/index";

const config = gptConfig("tiny");

function saved(step: number) {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "ckpt-recovery-"));
  const dir = path.join(parent, "model");
  saveCheckpoint(dir, config, initGPT(config, step), { trainerState: { step } });
  return { parent, dir };
}

const stepIn = (dir: string) => loadCheckpoint(dir).trainerState?.step;

describe("recoverCheckpoint", () => {
  it("puts back the checkpoint moved aside when the kill came between the two renames", () => {
    const { parent, dir } = saved(25);
    fs.renameSync(dir, `${dir}.old-123-1000`); // the old one aside ...
    saveCheckpoint(path.join(parent, "other"), config, initGPT(config, 50), { trainerState: { step: 50 } });
    fs.renameSync(path.join(parent, "other"), `${dir}.tmp-123-1001`); // ... the new one complete but not moved in
    expect(fs.existsSync(dir)).toBe(false);
    expect(recoverCheckpoint(dir)).toMatch(/restored model from model\.old-123-1000/);
    expect(stepIn(dir)).toBe(25);
    expect(fs.readdirSync(parent)).toEqual(["model"]);
  });

  it("keeps the checkpoint in place and removes a half-written one beside it", () => {
    const { parent, dir } = saved(25);
    fs.mkdirSync(`${dir}.tmp-9-2000`);
    fs.writeFileSync(path.join(`${dir}.tmp-9-2000`, "model.safetensors"), "half");
    expect(recoverCheckpoint(dir)).toMatch(/removed 1 unfinished/);
    expect(stepIn(dir)).toBe(25);
    expect(fs.readdirSync(parent)).toEqual(["model"]);
  });

  it("picks the newest copy aside when several saves were cut short", () => {
    const { parent, dir } = saved(75);
    fs.renameSync(dir, `${dir}.old-7-3000`);
    const older = saved(50);
    fs.renameSync(older.dir, `${dir}.old-6-2000`);
    expect(recoverCheckpoint(dir)).toMatch(/restored/);
    expect(stepIn(dir)).toBe(75);
    expect(fs.readdirSync(parent)).toEqual(["model"]);
  });

  it("does nothing to a clean folder, or when there is none", () => {
    const { parent, dir } = saved(25);
    expect(recoverCheckpoint(dir)).toBeNull();
    expect(recoverCheckpoint(path.join(parent, "absent", "model"))).toBeNull();
    expect(stepIn(dir)).toBe(25);
  });
});
