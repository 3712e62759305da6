// The run estimate (ml/model/estimate.ts, lib/runs/estimate.ts): its figures against a measured
// training run's peak RSS, the four models of PPO, the gpt2 size in the form, and createRun's
// refusal of a run that does not fit in the machine's memory (nothing queued).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { defaultValues, sizeOfArtifact } from "../../components/runs/form-model";
import { db } from "../../lib/db";
import { createRun } from "../../lib/runs/create";
import { estimateFor, memoryRefusal, runModel, usableMemory } from "../../lib/runs/estimate";
import { MODEL_SIZES, resolveRunConfig } from "../../lib/runs/kinds";
import { paramCount, PRESETS, type GPTConfig } from "../../ml/model/config";
import { estimateRun, PPO_BYTES_FROZEN, PPO_BYTES_TRAINED } from "../../ml/model/estimate";
import { makeProject, makeUser } from "../helpers/factories";

/** How far the estimate may be from a measured peak RSS (bench/estimate.ts uses the same bound). */
const TOLERANCE = 0.3;

describe("estimateRun", () => {
  it("is within 30% of the peak RSS of a measured training run", { timeout: 300_000 }, async () => {
    const model: GPTConfig = { ...PRESETS.tiny, vocabSize: 2048, nCtx: 128, nEmbd: 256, nLayer: 4, nHead: 4 };
    const run = { model, batchSize: 4, seqLen: 128, steps: 8, threads: 1 };
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "bench/estimate-child.ts", JSON.stringify(run)], {
      encoding: "utf8",
      env: { ...process.env, GLIBC_TUNABLES: "glibc.malloc.hugetlb=1" },
    });
    const measured = (JSON.parse(stdout.trim().split("\n").pop()!) as { maxRss: number }).maxRss;
    const e = estimateRun({ kind: "pretrain", model, batchSize: 4, seqLen: 128, threads: 1 });
    expect(e.bytes.total / measured, `estimated ${e.bytes.total}, measured ${measured}`).toBeGreaterThan(1 - TOLERANCE);
    expect(e.bytes.total / measured).toBeLessThan(1 + TOLERANCE);
  });

  it("comes near issue 13's GPT-2 124M measurement (batch 4 × 256, 2 threads: 16.2 GB, about 10 s per step)", () => {
    const e = estimateRun({ kind: "pretrain", model: PRESETS.gpt2, batchSize: 4, seqLen: 256, threads: 2 });
    expect(e.params).toBe(124_439_808);
    expect(e.bytes.total / 16.2e9).toBeGreaterThan(1 - TOLERANCE);
    expect(e.bytes.total / 16.2e9).toBeLessThan(1 + TOLERANCE);
    expect(e.stepSec / 10).toBeGreaterThan(0.7);
    expect(e.stepSec / 10).toBeLessThan(1.3);
  });

  it("counts PPO's four models: the policy and value model trained, the reference and reward model frozen", () => {
    const model = PRESETS.small;
    const P = paramCount(model);
    const ppo = estimateRun({ kind: "ppo", model, batchSize: 2, seqLen: 128, threads: 2 });
    const sft = estimateRun({ kind: "sft", model, batchSize: 2, seqLen: 128, threads: 2 });
    expect(ppo.bytes.weights).toBe(2 * PPO_BYTES_TRAINED * P + 2 * PPO_BYTES_FROZEN * P);
    // PPO's sessions share one peak of activations: the policy step's, as large as an SFT step's on the same rows
    expect(ppo.bytes.activations).toBe(sft.bytes.activations);
    // more rows and longer rows cost more
    expect(estimateRun({ kind: "sft", model, batchSize: 4, seqLen: 128, threads: 2 }).bytes.activations).toBeGreaterThan(sft.bytes.activations);
    expect(estimateRun({ kind: "sft", model, batchSize: 2, seqLen: 256, threads: 2 }).bytes.activations).toBeGreaterThan(sft.bytes.activations);
  });
});

describe("GPT-2 124M PPO", () => {
  it("is estimated within 15% of bench:gpt2's measured peak (9.65 GiB: minibatch 4 of 125 tokens) and fits a 24 GB machine at the gpt2 defaults", () => {
    const e = estimateRun({ kind: "ppo", model: PRESETS.gpt2, batchSize: 4, seqLen: 125, threads: 2 });
    expect(Math.abs(e.bytes.total / (9.65 * 1024 ** 3) - 1)).toBeLessThan(0.15);
    const cfg = resolveRunConfig("ppo", {}, "gpt2");
    expect(memoryRefusal(estimateFor("ppo", cfg, PRESETS.gpt2), 24 * 1024 ** 3)).toBeNull();
  });
});

describe("the gpt2 size", () => {
  it("is offered with its own defaults and recognised from a checkpoint's shape", () => {
    expect(MODEL_SIZES).toContain("gpt2");
    expect(defaultValues("pretrain", "gpt2")).toMatchObject({ contextLength: "1024", seqLen: "256", batchSize: "4" });
    expect(sizeOfArtifact({ model: PRESETS.gpt2 })).toBe("gpt2");
    const cfg = resolveRunConfig("pretrain", {}, "gpt2");
    const model = runModel("pretrain", cfg, "gpt2", null)!;
    expect(paramCount(model)).toBe(124_439_808);
    expect(estimateFor("pretrain", cfg, model).bytes.total).toBeGreaterThan(10 * 1024 ** 3);
  });
});

describe("createRun and the machine's memory", () => {
  afterEach(() => delete process.env.RUN_MEMORY_BYTES);

  it("refuses in one sentence a run that will not fit, and queues nothing", async () => {
    const researcher = await makeUser("researcher");
    const { project } = await makeProject();
    const count = () => db.trainingRun.count({ where: { projectId: project.id } });
    const big = { kind: "pretrain" as const, projectId: project.id, modelSize: "gpt2" as const, config: { batchSize: 512, seqLen: 1024 } };
    const e = estimateFor("pretrain", resolveRunConfig("pretrain", big.config, "gpt2"), PRESETS.gpt2);
    await expect(createRun(researcher, big)).rejects.toThrow(memoryRefusal(e, (await import("node:os")).totalmem())!);
    expect(memoryRefusal(e, 24 * 1024 ** 3)).toMatch(
      /^This run needs about [\d.]+ TB of memory \(124\.4M parameters, 512 × 1024 tokens per step, 2 threads\) but this machine has 21\.6 GB to spare of its 24\.0 GB; lower the batch size or the sequence length, or use a smaller model\.$/,
    );
    // a small machine (RUN_MEMORY_BYTES) refuses even a tiny run; a large one queues it
    process.env.RUN_MEMORY_BYTES = String(1.1 * 1024 ** 3);
    await expect(createRun(researcher, { kind: "pretrain", projectId: project.id, modelSize: "tiny" })).rejects.toThrow(
      /^This run needs about .* but this machine has 102\.4 MB to spare of its 1\.1 GB;/,
    );
    expect(await count()).toBe(0);
    process.env.RUN_MEMORY_BYTES = String(64 * 1024 ** 3);
    await createRun(researcher, { kind: "pretrain", projectId: project.id, modelSize: "tiny" });
    expect(await count()).toBe(1);
    expect(usableMemory(64 * 1024 ** 3)).toBe(0.9 * 64 * 1024 ** 3);
  });
});
