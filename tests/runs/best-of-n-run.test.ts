// Best-of-N distillation as a run: a worker samples N answers per prompt of the project's PPO
// prompts from an SFT policy, keeps the reward model's favourite, and saves them as a new SFT
// export that an SFT run then accepts as its dataset.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { createRun } from "../../lib/runs/create";
import { getRun, getRunMetrics } from "../../lib/runs/queries";
import { loadCheckpoint, prng, saveRewardModel, trainLM } from "../../ml/index";
import { makeUser } from "../helpers/factories";
import { demoProject, spawnWorker, waitFor, type SpawnedWorker } from "./helpers";

const storage = fs.mkdtempSync(path.join(os.tmpdir(), "bon-run-test-"));
process.env.STORAGE_DIR = storage;
const workers: SpawnedWorker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

describe("a best-of-N distillation run", { timeout: 300_000 }, () => {
  it("writes the kept answers as an SFT export, split as the prompts were, that an SFT run reads", async () => {
    const researcher = await makeUser("researcher");
    const project = await demoProject();
    const data = path.join(storage, "sft.jsonl");
    fs.writeFileSync(data, Array.from({ length: 24 }, (_, i) => JSON.stringify({ prompt: `hi ${i}`, response: `hello ${i}!` })).join("\n"));
    const sftDir = path.join(storage, "tiny-sft");
    await trainLM({
      mode: "sft",
      model: "tiny",
      data: [data],
      out: sftDir,
      steps: 4,
      batchSize: 4,
      seqLen: 32,
      warmupSteps: 1,
      evalEvery: 0,
      saveEvery: 0,
      threads: 1,
      worker: false,
    });
    const ck = loadCheckpoint(sftDir);
    const rmDir = path.join(storage, "tiny-rm");
    const r = prng(3);
    saveRewardModel(
      rmDir,
      ck.config,
      ck.params,
      { weight: Float32Array.from({ length: ck.config.nEmbd }, () => r() - 0.5), bias: Float32Array.of(0) },
      { shift: 0, scale: 0.1 },
      { tokenizer: "byte" },
    );
    const sft = await db.modelArtifact.create({ data: { kind: "sft", name: "bon sft", path: sftDir, config: { modelSize: "tiny" } } });
    const rm = await db.modelArtifact.create({ data: { kind: "reward_model", name: "bon rm", path: rmDir, config: {} } });

    const run = await createRun(researcher, {
      kind: "best_of_n",
      name: "bon",
      projectId: project.id,
      modelSize: "tiny",
      baseId: sft.id,
      rewardId: rm.id,
      config: { n: 4, maxNewTokens: 8 },
      dataset: { projectLabelsNow: true },
    });
    expect((await getRun(run.id)).status).toBe("queued");
    const w = spawnWorker({ STORAGE_DIR: storage, WORKER_PROJECT_ID: project.id });
    workers.push(w);
    const done = await waitFor(
      "the best-of-N run to finish",
      async () => {
        const x = await getRun(run.id);
        return ["succeeded", "failed", "canceled"].includes(x.status) ? x : undefined;
      },
      240_000,
    );
    expect(done.error ?? "", w.output()).toBe("");
    expect(done.status).toBe("succeeded");
    await w.stop();

    const exp = await db.export.findFirstOrThrow({ where: { projectId: project.id, kind: "sft", note: { contains: "Best of 4" } } });
    const prompts = await db.export.findUniqueOrThrow({ where: { id: (await db.trainingRun.findUniqueOrThrow({ where: { id: run.id } })).exportId! } });
    expect(exp.rowCount).toBe(prompts.rowCount); // one demonstration per prompt
    const files = exp.files as { name: string; rows: number }[];
    expect(files.map((f) => f.name)).toContain("train.jsonl");
    const first = JSON.parse(fs.readFileSync(path.join(storage, "exports", exp.id, "train.jsonl"), "utf8").split("\n")[0]);
    expect(first.messages.at(-1).role).toBe("assistant");
    const m = Object.fromEntries((await getRunMetrics(run.id)).map((x) => [x.name, x.value]));
    expect(m.mean_best_score).toBeGreaterThanOrEqual(m.mean_sample_score);

    // the export is SFT data: an SFT run takes it as its dataset
    const next = await createRun(researcher, {
      kind: "sft",
      name: "distilled",
      projectId: project.id,
      modelSize: "tiny",
      baseId: sft.id,
      config: { steps: 2 },
      dataset: { exportId: exp.id },
    });
    expect(await db.trainingRun.findUniqueOrThrow({ where: { id: next.id } })).toMatchObject({ kind: "sft", status: "queued", exportId: exp.id });
  });
});
