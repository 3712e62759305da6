// An imported GPT-2 folder (random weights, its own BPE tokenizer) is a base a real worker
// fine-tunes: SFT on the demo demonstrations for a few steps registers an SFT checkpoint under it,
// with the imported tokenizer files beside the new weights.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { importModelFolder } from "../../lib/models/import";
import { createRun } from "../../lib/runs/create";
import { getRun } from "../../lib/runs/queries";
import { loadCheckpoint } from "../../ml/checkpoint/checkpoint";
import { loadTokenizer } from "../../ml/tokenizer/index";
import { makeUser, uniq } from "../helpers/factories";
import { writeGpt2Folder } from "../helpers/gpt2-folder";
import { demoProject, spawnWorker, waitFor, writeDemonstrations, type SpawnedWorker } from "../runs/helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-sft-"));
const storage = path.join(tmp, "storage");
process.env.STORAGE_DIR = storage;
let worker: SpawnedWorker | undefined;
afterAll(async () => {
  await worker?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("SFT from an imported checkpoint", { timeout: 300_000 }, () => {
  it("fine-tunes the imported folder in a worker and registers the result under it", async () => {
    const researcher = await makeUser("researcher");
    const project = await demoProject();
    await writeDemonstrations(project.id, await makeUser("labeler"));
    const imported = await importModelFolder(db, researcher.id, { dir: writeGpt2Folder(path.join(tmp, "gpt2-tiny")), name: uniq("imported"), from: "gpt2-tiny" });

    const run = await createRun(researcher, {
      kind: "sft",
      name: uniq("sft-from-import"),
      projectId: project.id,
      baseId: imported.id,
      modelSize: "tiny",
      config: { steps: 4, batchSize: 2, evalEvery: 0, saveEvery: 0, threads: 1 },
      dataset: { projectLabelsNow: true },
    });
    worker = spawnWorker({ STORAGE_DIR: storage, WORKER_PROJECT_ID: project.id });
    const done = await waitFor("the SFT run to finish", async () => {
      const r = await getRun(run.id);
      return ["succeeded", "failed", "canceled"].includes(r.status) ? r : undefined;
    }, 240_000);
    expect(done.error ?? "", worker.output()).toBe("");
    expect(done.status).toBe("succeeded");
    expect(done.logTail).toMatch(/done: 4 steps/);
    const sft = await db.modelArtifact.findFirstOrThrow({ where: { runId: run.id } });
    expect(sft).toMatchObject({ kind: "sft", parentId: imported.id, source: "trained" });
    // the fine-tuned folder keeps the imported tokenizer and shape, and its weights moved
    expect(loadTokenizer(sft.path).encode(" the")).toEqual([258]);
    const before = loadCheckpoint(imported.path).params["h.0.mlp.c_fc.weight"];
    const after = loadCheckpoint(sft.path);
    expect(after.config).toMatchObject({ vocabSize: 260, nEmbd: 32, nLayer: 2 });
    expect(after.params["h.0.mlp.c_fc.weight"]).not.toEqual(before);
  });
});
