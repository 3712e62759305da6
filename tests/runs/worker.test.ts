// Training runs end to end: runs queued through createRun on the demo data are trained by real
// worker processes (scripts/worker.ts), with metrics in the database and checkpoints on disk;
// two workers never claim one run; a worker killed mid-run (SIGKILL) leaves the run failed with
// the reason, or queued again and resumed from its checkpoint; cancel stops a run within seconds
// and keeps its last checkpoint. After its runs, the worker has no defunct (zombie) child process.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { cancelRun } from "../../lib/runs/control";
import { createRun } from "../../lib/runs/create";
import { getRun, getRunMetrics } from "../../lib/runs/queries";
import type { NewRunRequest } from "../../lib/validation/run";
import { makeUser } from "../helpers/factories";
import { defunctChildren } from "../helpers/procs";
import { demoProject, rankAll, spawnWorker, waitFor, writeDemonstrations, type SpawnedWorker } from "./helpers";

const storage = fs.mkdtempSync(path.join(os.tmpdir(), "runs-worker-test-"));
process.env.STORAGE_DIR = storage;

const researcher = await makeUser("researcher");
const project = await demoProject();
const workers: SpawnedWorker[] = [];
const startWorker = (env: Record<string, string> = {}) => {
  const w = spawnWorker({ STORAGE_DIR: storage, WORKER_PROJECT_ID: project.id, ...env });
  workers.push(w);
  return w;
};

const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
/** At least one live worker (each test may also be run on its own). */
const ensureWorker = () => alive()[0] ?? startWorker();

beforeAll(async () => {
  const labeler = await makeUser("labeler");
  await writeDemonstrations(project.id, labeler);
  await rankAll(project.id, labeler);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

const tiny = (req: Omit<NewRunRequest, "projectId" | "modelSize">) => createRun(researcher, { ...req, projectId: project.id, modelSize: "tiny" });

async function finished(id: string, timeoutMs = 180_000) {
  return waitFor(
    `run ${id} to finish`,
    async () => {
      const r = await getRun(id);
      return ["succeeded", "failed", "canceled"].includes(r.status) ? r : undefined;
    },
    timeoutMs,
  );
}

const names = async (id: string) => new Set((await getRunMetrics(id)).map((m) => m.name));

let baseId = "";

describe("a worker process", { timeout: 300_000 }, () => {
  it("pretrains, fine-tunes, trains a reward model, runs PPO and generates answers on the demo data, storing metrics and checkpoints", async () => {
    // tsx's cache off: each engine worker thread then really starts a compiler (an esbuild child).
    const w = startWorker({ TSX_DISABLE_CACHE: "1" });
    const pre = await tiny({ kind: "pretrain", name: "tiny base", config: { steps: 40, batchSize: 4, evalEvery: 20, saveEvery: 20 } });
    const p = await finished(pre.id);
    expect(p.error ?? "", w.output()).toBe("");
    expect(p).toMatchObject({ status: "succeeded", progress: 1, threads: 1, worker: { host: os.hostname(), pid: w.child.pid } });
    expect(p.logTail).toMatch(/done: 40 steps/);
    // copy_ms: the host↔device copy time of one engine run (measured once, reported with every step)
    expect(await names(pre.id)).toEqual(new Set(["loss", "lr", "grad_norm", "tokens_per_sec", "val_loss", "copy_ms"]));
    expect((await getRunMetrics(pre.id)).filter((m) => m.name === "loss")).toHaveLength(40);
    const [base] = p.artifacts;
    expect(base).toMatchObject({ kind: "base", name: "tiny base" });
    const baseRow = await db.modelArtifact.findUniqueOrThrow({ where: { id: base.id } });
    expect(baseRow.path).toBe(path.join(storage, "runs", pre.id, "model"));
    for (const f of ["config.json", "model.safetensors"]) expect(fs.existsSync(path.join(baseRow.path, f))).toBe(true);
    expect(fs.existsSync(path.join(storage, "runs", pre.id, "data", "pretrain.txt"))).toBe(true);
    baseId = base.id;

    const sft = await tiny({ kind: "sft", name: "tiny sft", baseId, config: { steps: 20, batchSize: 4, evalEvery: 10 }, dataset: { projectLabelsNow: true } });
    const s = await finished(sft.id);
    expect(s.error ?? "", w.output()).toBe("");
    expect(s.status).toBe("succeeded");
    expect(await names(sft.id)).toContain("loss");
    const sftArt = await db.modelArtifact.findFirstOrThrow({ where: { runId: sft.id } });
    expect(sftArt).toMatchObject({ kind: "sft", parentId: baseId });

    const rm = await tiny({
      kind: "reward_model",
      name: "tiny rm",
      baseId: sftArt.id,
      config: { batchSize: 2, epochs: 2 },
      dataset: { projectLabelsNow: true },
    });
    const r = await finished(rm.id);
    expect(r.error ?? "", w.output()).toBe("");
    expect(r.status).toBe("succeeded");
    const rmNames = await names(rm.id);
    for (const n of ["loss", "accuracy", "margin"]) expect(rmNames).toContain(n);
    const rmArt = await db.modelArtifact.findFirstOrThrow({ where: { runId: rm.id } });
    expect(rmArt).toMatchObject({ kind: "reward_model", parentId: sftArt.id });
    const config = JSON.parse(fs.readFileSync(path.join(rmArt.path, "config.json"), "utf8"));
    expect(config.rlhf_studio.reward).toEqual({ shift: expect.any(Number), scale: expect.any(Number) });

    const ppo = await tiny({
      kind: "ppo",
      name: "tiny ppo",
      baseId: sftArt.id,
      rewardId: rmArt.id,
      config: { iterations: 2, rolloutBatch: 4, miniBatch: 2, ppoEpochs: 1, maxNewTokens: 8 },
      dataset: { projectLabelsNow: true },
    });
    const q = await finished(ppo.id);
    expect(q.error ?? "", w.output()).toBe("");
    expect(q.status).toBe("succeeded");
    const ppoNames = await names(ppo.id);
    for (const n of ["score", "kl", "objective", "clip_frac", "entropy", "response_length"]) expect(ppoNames).toContain(n);
    const ppoArt = await db.modelArtifact.findFirstOrThrow({ where: { runId: ppo.id } });
    expect(ppoArt).toMatchObject({ kind: "ppo", parentId: sftArt.id });
    expect(fs.existsSync(path.join(ppoArt.path, "model.safetensors"))).toBe(true);

    // Answers from the new policy become ranking tasks (the generate handler, lib/generation).
    const tasksBefore = await db.task.count({ where: { projectId: project.id, kind: "ranking" } });
    const gen = await tiny({
      kind: "generate",
      name: "answers",
      config: { maxPrompts: 2, maxNewTokens: 8 },
      request: { source: { kind: "artifacts", artifactIds: [ppoArt.id] } },
    });
    const g = await finished(gen.id);
    expect(g.error ?? "", w.output()).toBe("");
    expect(g.status).toBe("succeeded");
    expect(await db.task.count({ where: { projectId: project.id, kind: "ranking" } })).toBe(tasksBefore + 2);
    // Five runs, each with engine worker threads, and no defunct child left under the worker (issue 21).
    expect(defunctChildren(w.child.pid!)).toEqual([]);
  });

  it("shares the queue with a second worker without ever running one run twice", async () => {
    startWorker();
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push((await tiny({ kind: "pretrain", name: `shared ${i}`, config: { steps: 15, batchSize: 2, evalEvery: 0, saveEvery: 0 } })).id);
    const runs = await Promise.all(ids.map((id) => finished(id)));
    for (const r of runs) {
      expect(r.status).toBe("succeeded");
      expect(r.attempt).toBe(1);
      expect(r.logTail.match(/attempt \d+ on worker/g)).toHaveLength(1);
      expect(r.artifacts).toHaveLength(1);
    }
  });
});

describe("a worker that dies or is told to stop", { timeout: 300_000 }, () => {
  const long = { steps: 100_000, batchSize: 2, seqLen: 64, evalEvery: 0, saveEvery: 25 }; // 64-token windows: hand-over, not throughput, is tested

  async function runningWithCheckpoint(id: string) {
    return waitFor(`run ${id} to train and write a checkpoint`, async () => {
      const r = await getRun(id);
      return r.status === "running" && /checkpoint written/.test(r.logTail) ? r : undefined;
    });
  }

  it("cancel stops a running run within seconds and keeps its last checkpoint", async () => {
    ensureWorker();
    const { id } = await tiny({ kind: "pretrain", name: "to cancel", config: long });
    await runningWithCheckpoint(id);
    const t0 = Date.now();
    expect(await cancelRun(researcher, id)).toEqual({ status: "running" });
    const r = await finished(id, 30_000);
    const seconds = (Date.now() - t0) / 1000;
    expect(r.status).toBe("canceled");
    expect(seconds).toBeLessThan(10);
    expect(r.artifacts).toEqual([]); // not registered: it did not finish
    expect(fs.existsSync(path.join(storage, "runs", id, "model", "model.safetensors"))).toBe(true);
    expect(fs.existsSync(path.join(storage, "runs", id, "model", "trainer_state.json"))).toBe(true);
  });

  it("SIGTERM (npm start stopping) checkpoints the run and puts it back in the queue; the next worker resumes it", async () => {
    ensureWorker();
    // long enough that it is still running when the signal lands (a tiny step takes milliseconds), short enough to finish after
    const { id } = await tiny({ kind: "pretrain", name: "to restart", config: { ...long, steps: 1500 } });
    const r0 = await runningWithCheckpoint(id);
    const stopped = workers.find((w) => w.child.pid === r0.worker?.pid)!;
    await stopped.stop();
    const back = await getRun(id);
    // Back in the queue (or already taken by another live worker), never left to the dead one.
    expect(["queued", "running"]).toContain(back.status);
    expect(back.worker?.pid).not.toBe(stopped.child.pid);
    expect(back.logTail).toMatch(/goes back to the queue/);
    ensureWorker();
    const r = await finished(id, 120_000);
    expect(r.status).toBe("succeeded");
    expect(r.attempt).toBe(1); // a clean hand-over is not counted as a failed attempt
    expect(Number(/resuming from the checkpoint at step (\d+)/.exec(r.logTail)?.[1])).toBeGreaterThanOrEqual(25);
  });

  it("SIGKILL mid-run: the run is failed with the reason by another worker, never left running", async () => {
    ensureWorker();
    const { id } = await tiny({ kind: "pretrain", name: "to kill", config: long });
    const r0 = await runningWithCheckpoint(id);
    const victim = workers.find((w) => w.child.pid === r0.worker?.pid)!;
    expect(victim).toBeDefined();
    victim.child.kill("SIGKILL");
    if (alive().every((w) => w === victim)) startWorker();
    const r = await finished(id, 60_000);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(new RegExp(`^The worker ${os.hostname()} pid ${victim.child.pid} stopped sending heartbeats`));
    expect(await db.modelArtifact.count({ where: { runId: id } })).toBe(0);
  });

  it("SIGKILL mid-run with resume: queued again and finished from the last checkpoint", async () => {
    startWorker();
    const { id } = await tiny({ kind: "pretrain", name: "to resume", resume: true, config: { ...long, steps: 400 } });
    const r0 = await runningWithCheckpoint(id);
    const victim = workers.find((w) => w.child.pid === r0.worker?.pid)!;
    victim.child.kill("SIGKILL");
    const r = await finished(id, 120_000);
    expect(r.error ?? "").toBe("");
    expect(r.status).toBe("succeeded");
    expect(r.attempt).toBe(2);
    expect(r.logTail).toMatch(/queued again to resume from the last checkpoint/);
    expect(r.worker?.pid).not.toBe(victim.child.pid);
    // The second attempt started from the checkpoint, not from step 1.
    const from = Number(/resuming from the checkpoint at step (\d+)/.exec(r.logTail)?.[1]);
    expect(from).toBeGreaterThanOrEqual(25);
    expect(from % 25).toBe(0);
    const steps = (await getRunMetrics(id)).filter((m) => m.name === "loss").map((m) => m.step);
    expect(steps.at(-1)).toBe(400);
    // The metrics are written before each checkpoint (and with each heartbeat): the steps up to the
    // checkpoint are stored, the ones after it run again, so no step's loss is missing.
    expect(new Set(steps).size).toBe(400);
    expect(r.artifacts).toHaveLength(1);
  });
});
