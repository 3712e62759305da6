// Creating runs: every refusal happens before anything is queued and is one sentence (config out of
// range, a checkpoint of the wrong kind, a dataset with no rows, ...); only researchers and admins
// create, cancel or resume runs (labelers get 403 from the routes); the kinds table's defaults are
// valid for both model sizes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db } from "../../lib/db";
import { createExport } from "../../lib/exports/snapshot";
import { checkRunConfig } from "../../lib/runs/config-check";
import { createRun } from "../../lib/runs/create";
import { MODEL_SIZES, RUN_KINDS, RUN_KIND_NAMES, type ArtifactKind } from "../../lib/runs/kinds";
import { decryptSecrets } from "../../lib/runs/secrets";
import { createExportInput } from "../../lib/validation/export";
import { allowEndpointHost } from "../helpers/allow-endpoint";
import { makeUser } from "../helpers/factories";
import { ByteTokenizer, initGPT, saveCheckpoint } from "../../ml/index";
import { FOLDER_CONFIG, writeGpt2Folder } from "../helpers/gpt2-folder";
import { demoProject, rankAll, writeDemonstrations } from "./helpers";

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("../../lib/auth/current-user", () => ({ getCurrentUser: async () => session.user }));

process.env.STORAGE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "runs-create-test-"));

const runsRoute = await import("../../app/api/runs/route");
const runRoute = await import("../../app/api/runs/[id]/route");
const metricsRoute = await import("../../app/api/runs/[id]/metrics/route");
const cancelRoute = await import("../../app/api/runs/[id]/cancel/route");
const resumeRoute = await import("../../app/api/runs/[id]/resume/route");

/** A registered checkpoint row whose folder declares a context of `nCtx` tokens. */
async function artifact(kind: ArtifactKind, name: string, nCtx = 64) {
  const dir = fs.mkdtempSync(path.join(process.env.STORAGE_DIR!, `${kind}-`));
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ n_positions: nCtx, n_ctx: nCtx }));
  return db.modelArtifact.create({ data: { kind, name, path: dir } });
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: Error & { status?: number }) => ({ status: e.status, message: e.message }),
  );

describe("the run kinds table", () => {
  it("has defaults that pass its own schema for every kind and size, and a description for every field", () => {
    for (const kind of RUN_KIND_NAMES) {
      for (const size of MODEL_SIZES) expect(() => checkRunConfig(kind, {}, size)).not.toThrow();
      for (const [field, schema] of Object.entries(RUN_KINDS[kind].config.shape)) {
        expect((schema as { description?: string }).description, `${kind}.${field}`).toMatch(/\w{3,}/);
      }
    }
  });

  it("names the field and its range in one sentence", () => {
    expect(() => checkRunConfig("sft", { maxLr: 5 }, "tiny")).toThrow("The hyperparameter maxLr must be less than 1, not 5.");
    expect(() => checkRunConfig("sft", { steps: 0 }, "tiny")).toThrow("The hyperparameter steps must be at least 1, not 0.");
    expect(() => checkRunConfig("sft", { steps: 2.5 }, "tiny")).toThrow("The hyperparameter steps must be a whole number, not 2.5.");
    expect(() => checkRunConfig("sft", { minLr: 0.01, maxLr: 0.001 }, "tiny")).toThrow("The hyperparameter minLr (0.01) must not exceed maxLr (0.001).");
    expect(() => checkRunConfig("ppo", { rolloutBatch: 8, miniBatch: 3 }, "tiny")).toThrow("must divide rolloutBatch");
    expect(() => checkRunConfig("ppo", { valueInit: "random" }, "tiny")).toThrow(
      'The hyperparameter valueInit must be one of "reward", "policy", not "random".',
    );
    expect(() => checkRunConfig("sft", { learningRate: 1 }, "tiny")).toThrow(/has no hyperparameter "learningRate"/);
  });
});

describe("createRun refuses before queueing", async () => {
  const researcher = await makeUser("researcher");
  const project = await demoProject();
  const base = await artifact("base", "tiny base");
  const sft = await artifact("sft", "tiny sft");
  const rm = await artifact("reward_model", "tiny rm");
  const queued = () => db.trainingRun.count({ where: { projectId: project.id } });

  it("an out-of-range hyperparameter", async () => {
    const before = await queued();
    expect(
      await refusal(
        createRun(researcher, { kind: "sft", projectId: project.id, baseId: base.id, config: { batchSize: 100000 }, dataset: { projectLabelsNow: true } }),
      ),
    ).toEqual({
      status: 400,
      message: "The hyperparameter batchSize must be at most 512, not 100000.",
    });
    expect(await queued()).toBe(before);
  });

  it("a checkpoint of the wrong kind: a reward model given as the policy, an SFT model given as the reward model", async () => {
    const ppo = { kind: "ppo" as const, projectId: project.id, modelSize: "tiny" as const };
    expect((await refusal(createRun(researcher, { ...ppo, baseId: rm.id, rewardId: rm.id }))).message).toBe(
      'The checkpoint "tiny rm" is a reward model; a ppo run starts from an SFT model or a PPO policy.',
    );
    expect((await refusal(createRun(researcher, { ...ppo, baseId: sft.id, rewardId: sft.id }))).message).toBe(
      'The checkpoint "tiny sft" is an SFT model, not a reward model.',
    );
    expect((await refusal(createRun(researcher, { ...ppo, baseId: sft.id }))).message).toBe("Choose the reward model a PPO run optimises against.");
    expect((await refusal(createRun(researcher, { kind: "pretrain", projectId: project.id, baseId: base.id }))).message).toBe(
      "A pretrain run starts from scratch and takes no starting checkpoint.",
    );
    expect((await refusal(createRun(researcher, { kind: "sft", projectId: project.id, dataset: { projectLabelsNow: true } }))).message).toBe(
      "Choose the checkpoint a supervised fine-tuning run starts from: a base model or an SFT model.",
    );
  });

  it("a sequence longer than the starting checkpoint's context", async () => {
    expect(
      (
        await refusal(
          createRun(researcher, {
            kind: "sft",
            projectId: project.id,
            baseId: base.id,
            modelSize: "small",
            config: { seqLen: 128 },
            dataset: { projectLabelsNow: true },
          }),
        )
      ).message,
    ).toBe("The hyperparameter seqLen (128) exceeds the starting checkpoint's context of 64 tokens.");
  });

  it("a dataset snapshot with no rows, of the wrong layout, or none at all", async () => {
    const admin = await makeUser("admin");
    const empty = await createExport(db, admin, createExportInput.parse({ kind: "sft", projectId: project.id }));
    expect(empty.rowCount).toBe(0);
    const sftRun = { kind: "sft" as const, projectId: project.id, baseId: base.id, modelSize: "tiny" as const };
    expect((await refusal(createRun(researcher, { ...sftRun, dataset: { exportId: empty.id } }))).message).toBe(
      "The export has no rows: label some data or choose another export.",
    );
    const exportsBefore = await db.export.count({ where: { projectId: project.id } });
    expect((await refusal(createRun(researcher, { ...sftRun, dataset: { projectLabelsNow: true } }))).message).toBe(
      "The project has no demonstrations (SFT) yet, so there is nothing to train on.",
    );
    expect(await db.export.count({ where: { projectId: project.id } })).toBe(exportsBefore); // the empty snapshot is not kept
    const prompts = await createExport(db, admin, createExportInput.parse({ kind: "ppo", projectId: project.id }));
    expect((await refusal(createRun(researcher, { ...sftRun, dataset: { exportId: prompts.id } }))).message).toBe(
      "The export holds PPO prompts, but a supervised fine-tuning run reads demonstrations (SFT).",
    );
    expect((await refusal(createRun(researcher, sftRun))).message).toBe("Choose a dataset: an export of demonstrations (SFT), or the project's labels now.");
  });

  it("queues a valid run: the project's labels now become a snapshot the run keeps", async () => {
    const labeler = await makeUser("labeler");
    expect(await writeDemonstrations(project.id, labeler)).toBe(4);
    const { id } = await createRun(researcher, {
      kind: "sft",
      name: "sft now",
      projectId: project.id,
      baseId: base.id,
      modelSize: "tiny",
      config: { steps: 7 },
      dataset: { projectLabelsNow: true },
    });
    const run = await db.trainingRun.findUniqueOrThrow({ where: { id }, include: { export: true } });
    expect(run).toMatchObject({ status: "queued", kind: "sft", name: "sft now", baseId: base.id, threads: 1 });
    expect(run.export).toMatchObject({ kind: "sft", rowCount: 4, projectId: project.id });
    expect(run.config).toMatchObject({ steps: 7, seqLen: 0, overlong: "truncate", maxOverlongShare: 0.25, maxLr: RUN_KINDS.sft.defaults("tiny").maxLr });
  });

  it("keeps a generate run's API key only in its encrypted secrets", async () => {
    await allowEndpointHost("127.0.0.1:9");
    const { id } = await createRun(researcher, {
      kind: "generate",
      projectId: project.id,
      request: { source: { kind: "openai", baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: "sk-test-key" } },
    });
    const stored = await db.trainingRun.findUniqueOrThrow({ where: { id }, select: { config: true, secrets: true } });
    expect(JSON.stringify(stored.config)).not.toContain("sk-test-key");
    expect(decryptSecrets(stored.secrets!)).toEqual({ apiKey: "sk-test-key" });
    await db.trainingRun.update({ where: { id }, data: { status: "canceled" } }); // no worker should take it
  });

  it("refuses, when queued, an endpoint whose host is not on the allow-list (the app's own port, the database's)", async () => {
    for (const baseUrl of ["http://127.0.0.1:3000/api/users?x=", "http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data/"]) {
      const before = await db.trainingRun.count({ where: { projectId: project.id } });
      const r = await refusal(createRun(researcher, { kind: "generate", projectId: project.id, request: { source: { kind: "openai", baseUrl, model: "m" } } }));
      expect(r.status).toBe(400);
      expect(r.message).toMatch(/^The endpoint host .+ is not on the allow-list of endpoint hosts; an admin can add it under Admin → Settings\.$/);
      expect(await db.trainingRun.count({ where: { projectId: project.id } })).toBe(before);
    }
  });
});

describe("a DPO run's separate reference checkpoint", async () => {
  const researcher = await makeUser("researcher");
  const project = await demoProject();
  const byteConfig = { ...FOLDER_CONFIG, vocabSize: new ByteTokenizer().vocabSize, nCtx: 64 };
  /** A real decoder folder (config.json, weights, tokenizer) registered as an artifact. */
  async function model(kind: ArtifactKind, name: string, o: { nLayer?: number; bpe?: boolean } = {}) {
    const dir = fs.mkdtempSync(path.join(process.env.STORAGE_DIR!, `${kind}-`));
    const config = { ...byteConfig, nLayer: o.nLayer ?? byteConfig.nLayer };
    if (o.bpe)
      writeGpt2Folder(dir, { config }); // the same shape, a BPE tokenizer (260 of its 262 ids)
    else saveCheckpoint(dir, config, initGPT(config, 1), { tokenizer: "byte" });
    return db.modelArtifact.create({ data: { kind, name, path: dir } });
  }
  const sft = await model("sft", "policy sft");
  const dpo = { kind: "dpo" as const, projectId: project.id, modelSize: "tiny" as const, baseId: sft.id, dataset: { projectLabelsNow: true as const } };
  const queued = () => db.trainingRun.count({ where: { projectId: project.id } });

  it("refuses, in one sentence and before queueing, a reference of the wrong kind, of another architecture or of another tokenizer", async () => {
    const rm = await model("reward_model", "some rm");
    const deeper = await model("sft", "deeper sft", { nLayer: 3 });
    const bpe = await model("sft", "bpe sft", { bpe: true });
    expect(await refusal(createRun(researcher, { ...dpo, refId: rm.id }))).toEqual({
      status: 400,
      message: 'The reference checkpoint "some rm" is a reward model; a reference is an SFT model or a DPO policy.',
    });
    expect((await refusal(createRun(researcher, { ...dpo, refId: deeper.id }))).message).toBe(
      'The reference checkpoint "deeper sft" and the starting checkpoint "policy sft": nLayer differs (2 vs 3), so they are not the same model.',
    );
    expect((await refusal(createRun(researcher, { ...dpo, refId: bpe.id }))).message).toMatch(
      /^The reference checkpoint "bpe sft" was built on another tokenizer than the policy \(gpt2-bpe, 260 tokens, eos 259, vocabSize 262 vs byte, 262 tokens, eos \d+, vocabSize 262\)\.$/,
    );
    expect((await refusal(createRun(researcher, { ...dpo, kind: "sft", refId: sft.id }))).message).toBe(
      "A supervised fine-tuning run takes no separate reference checkpoint.",
    );
    expect((await refusal(createRun(researcher, { ...dpo, refId: "00000000-0000-4000-8000-000000000000" }))).status).toBe(404);
    expect(await queued()).toBe(0);
  });

  it("queues a run with a reference of the same architecture and tokenizer, its id in the config; none means the starting checkpoint", async () => {
    const other = await model("sft", "another sft");
    expect(await rankAll(project.id, await makeUser("labeler"))).toBeGreaterThan(0);
    const { id } = await createRun(researcher, { ...dpo, refId: other.id });
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id } })).config).toMatchObject({ refId: other.id });
    const plain = await createRun(researcher, dpo);
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id: plain.id } })).config).not.toHaveProperty("refId");
  });
});

describe("the runs routes", async () => {
  const [labeler, researcher] = await Promise.all([makeUser("labeler"), makeUser("researcher")]);
  const project = await demoProject();
  const run = await db.trainingRun.create({ data: { kind: "sft", status: "failed", config: {}, projectId: project.id, createdById: researcher.id } });
  const req = (url: string, body?: unknown) =>
    new NextRequest(
      `http://localhost${url}`,
      body === undefined ? {} : { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", origin: "http://localhost" } },
    );
  const params = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });
  const calls = () => [
    runsRoute.GET(req("/api/runs"), params({})),
    runsRoute.POST(req("/api/runs", { kind: "pretrain", projectId: project.id, modelSize: "tiny" }), params({})),
    runRoute.GET(req(`/api/runs/${run.id}`), params({ id: run.id })),
    metricsRoute.GET(req(`/api/runs/${run.id}/metrics`), params({ id: run.id })),
    cancelRoute.POST(req(`/api/runs/${run.id}/cancel`, {}), params({ id: run.id })),
    resumeRoute.POST(req(`/api/runs/${run.id}/resume`, {}), params({ id: run.id })),
  ];

  it("answers 403 to a labeler on every route, and nothing changes", async () => {
    session.user = labeler;
    // counted in this project only: other test files create runs in theirs at the same time
    const count = () => db.trainingRun.count({ where: { projectId: project.id } });
    const before = await count();
    for (const res of await Promise.all(calls())) expect(res.status).toBe(403);
    expect(await count()).toBe(before);
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("failed");
  });

  it("lets a researcher create, read, resume and cancel", async () => {
    session.user = researcher;
    const created = await runsRoute.POST(req("/api/runs", { kind: "pretrain", projectId: project.id, modelSize: "tiny", config: { steps: 3 } }), params({}));
    expect(created.status).toBe(201);
    const { run: made } = (await created.json()) as { run: { id: string } };
    const one = await (await runRoute.GET(req(`/api/runs/${made.id}`), params({ id: made.id }))).json();
    expect(one.run).toMatchObject({ id: made.id, kind: "pretrain", status: "queued", config: { steps: 3, modelSize: "tiny" }, worker: null });
    expect(one.run).not.toHaveProperty("secrets");
    const list = await (await runsRoute.GET(req("/api/runs?limit=500"), params({}))).json();
    expect(list.runs.map((r: { id: string }) => r.id)).toContain(made.id);
    expect((await cancelRoute.POST(req(`/api/runs/${made.id}/cancel`, {}), params({ id: made.id }))).status).toBe(200);
    expect((await resumeRoute.POST(req(`/api/runs/${run.id}/resume`, {}), params({ id: run.id }))).status).toBe(200);
    expect((await cancelRoute.POST(req(`/api/runs/${run.id}/cancel`, {}), params({ id: run.id }))).status).toBe(200);
    const again = await cancelRoute.POST(req(`/api/runs/${run.id}/cancel`, {}), params({ id: run.id }));
    expect(again.status).toBe(409);
  });

  it("answers 400 with the reason for a bad request", async () => {
    session.user = researcher;
    const res = await runsRoute.POST(req("/api/runs", { kind: "pretrain", projectId: project.id, config: { steps: -1 } }), params({}));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe("The hyperparameter steps must be at least 1, not -1.");
    const bad = await runsRoute.POST(req("/api/runs", { kind: "dance", projectId: project.id }), params({}));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^kind: /);
  });
});
