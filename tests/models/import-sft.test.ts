// An imported GPT-2 folder (random weights, its own BPE tokenizer) is a base a real worker
// fine-tunes: SFT on the demo demonstrations for a few steps registers an SFT checkpoint under it,
// with the imported tokenizer files beside the new weights; a reward model trains from it, PPO
// runs on the SFT model and that reward model, and it writes answers for ranking.
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
import { demoProject, rankAll, spawnWorker, waitFor, writeDemonstrations, type SpawnedWorker } from "../runs/helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-sft-"));
const storage = path.join(tmp, "storage");
process.env.STORAGE_DIR = storage;
let worker: SpawnedWorker | undefined;
afterAll(async () => {
  await worker?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("runs from an imported checkpoint", { timeout: 300_000 }, () => {
  it("fine-tunes the imported folder in a worker, trains a reward model from it, runs PPO on both and writes answers with it", async () => {
    const researcher = await makeUser("researcher");
    const project = await demoProject();
    const labeler = await makeUser("labeler");
    await writeDemonstrations(project.id, labeler);
    await rankAll(project.id, labeler);
    const imported = await importModelFolder(db, researcher.id, {
      dir: writeGpt2Folder(path.join(tmp, "gpt2-tiny")),
      name: uniq("imported"),
      from: "gpt2-tiny",
    });

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
    const finished = (id: string) =>
      waitFor(
        `run ${id} to finish`,
        async () => {
          const r = await getRun(id);
          return ["succeeded", "failed", "canceled"].includes(r.status) ? r : undefined;
        },
        240_000,
      );
    const done = await finished(run.id);
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

    // a reward model from the imported base, PPO on the SFT model against it, answers from the imported base
    const tiny = { projectId: project.id, modelSize: "tiny" as const };
    const rm = await createRun(researcher, {
      ...tiny,
      kind: "reward_model",
      baseId: imported.id,
      config: { epochs: 1, batchSize: 2, evalEvery: 0, saveEvery: 0, threads: 1 },
      dataset: { projectLabelsNow: true },
    });
    const rmDone = await finished(rm.id);
    expect([rmDone.status, rmDone.error ?? ""], worker.output()).toEqual(["succeeded", ""]);
    const rmArt = await db.modelArtifact.findFirstOrThrow({ where: { runId: rm.id } });
    expect(rmArt).toMatchObject({ kind: "reward_model", parentId: imported.id });
    const ppo = await createRun(researcher, {
      ...tiny,
      kind: "ppo",
      baseId: sft.id,
      rewardId: rmArt.id,
      config: { iterations: 1, rolloutBatch: 2, miniBatch: 2, ppoEpochs: 1, maxNewTokens: 4, saveEvery: 0, threads: 1 },
      dataset: { projectLabelsNow: true },
    });
    const ppoDone = await finished(ppo.id);
    expect([ppoDone.status, ppoDone.error ?? ""], worker.output()).toEqual(["succeeded", ""]);
    const gen = await createRun(researcher, {
      ...tiny,
      kind: "generate",
      config: { maxPrompts: 1, maxNewTokens: 4 },
      request: { source: { kind: "artifacts", artifactIds: [imported.id] } },
    });
    const genDone = await finished(gen.id);
    expect([genDone.status, genDone.error ?? ""], worker.output()).toEqual(["succeeded", ""]);
    expect(await db.completion.count({ where: { artifactId: imported.id } })).toBeGreaterThan(0);
  });
});
