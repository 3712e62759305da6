// Devices on the queue: workers register what they can run on and keep it alive with their
// heartbeat; a run asking for a GPU is claimed only by a worker that has one (and waits until one
// does), and is refused at creation when no live worker has it.
import { describe, expect, it } from "vitest";
import { db } from "../../lib/db";
import { createRun } from "../../lib/runs/create";
import { acceptedDevices, claimRun, liveWorkers, registerWorker, someWorkerCan } from "../../lib/worker/queue";
import { startWorker, workerDevice } from "../../lib/worker/worker";
import { makeProject, makeUser, uniq } from "../helpers/factories";

const identity = (n: string) => ({ id: `test:${n}:${uniq()}`, host: `host-${n}`, pid: 4000 });

async function queue(projectId: string, userId: string, configs: Record<string, unknown>[]) {
  const ids: string[] = [];
  for (const [i, config] of configs.entries()) {
    const r = await db.trainingRun.create({
      data: { kind: "sft", name: `d${i}`, config: config as object, projectId, createdById: userId },
      select: { id: true },
    });
    ids.push(r.id);
  }
  return ids;
}

describe("claiming by device", () => {
  it("a CPU worker leaves GPU runs queued; a GPU worker takes cuda and its own cuda:N only", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [anyGpu, gpu1, plain, cpu] = await queue(project.id, admin.id, [{ device: "cuda" }, { device: "cuda:1" }, {}, { device: "cpu" }]);
    const cpuWorker = identity("cpu");
    expect((await claimRun(cpuWorker, project.id, ["cpu"]))?.id).toBe(plain);
    expect((await claimRun(cpuWorker, project.id, ["cpu"]))?.id).toBe(cpu);
    expect(await claimRun(cpuWorker, project.id, ["cpu"])).toBeNull(); // the GPU runs wait
    const gpu0Worker = identity("gpu0");
    expect((await claimRun(gpu0Worker, project.id, ["cpu", "cuda:0"]))?.id).toBe(anyGpu);
    expect(await claimRun(gpu0Worker, project.id, ["cpu", "cuda:0"])).toBeNull(); // cuda:1 is not its GPU
    expect((await claimRun(identity("gpu1"), project.id, ["cpu", "cuda:0", "cuda:1"]))?.id).toBe(gpu1);
    const rows = await db.trainingRun.findMany({ where: { id: { in: [anyGpu, gpu1] } }, select: { status: true } });
    expect(rows.every((r) => r.status === "running")).toBe(true);
  });

  it("maps a worker's devices to the run devices it accepts", () => {
    expect(acceptedDevices(["cpu"])).toEqual(["cpu"]);
    expect(acceptedDevices(["cpu", "cuda:0", "cuda:2"])).toEqual(["cpu", "cuda", "cuda:0", "cuda:2"]);
    expect(someWorkerCan([{ devices: ["cpu"] }], "cuda")).toBe(false);
    expect(someWorkerCan([{ devices: ["cpu", "cuda:0"] }], "cuda")).toBe(true);
    expect(someWorkerCan([{ devices: ["cpu", "cuda:0"] }], "cuda:1")).toBe(false);
    expect(someWorkerCan([], "cpu")).toBe(true);
  });

  it("a worker registers its devices, shows while its heartbeat is fresh, and unregisters when it stops", async () => {
    const w = startWorker({ devices: ["cpu", "cuda:0"], pollMs: 50, log: () => {} });
    for (let i = 0; i < 100 && !(await liveWorkers()).some((x) => x.id === w.identity.id); i++) await new Promise((r) => setTimeout(r, 20));
    const me = (await liveWorkers()).find((x) => x.id === w.identity.id);
    expect(me).toMatchObject({ devices: ["cpu", "cuda:0"], defaultDevice: "cpu", pid: process.pid });
    await w.stop();
    expect((await liveWorkers()).some((x) => x.id === w.identity.id)).toBe(false);
    // an unknown ML_DEVICE stops a worker before it starts, in one sentence
    expect(() => workerDevice("gpu", ["cpu"])).toThrow('Unknown device "gpu": use "cpu", "cuda" or "cuda:N" with N the GPU number.');
    // a CUDA default on this GPU-less machine: no provider files, or (after gpu:setup) no GPU among the worker's devices
    expect(() => workerDevice("cuda", ["cpu"])).toThrow(/CUDA execution provider is not installed|^ML_DEVICE is cuda but this worker reports only cpu\.$/);
  });
});

describe("createRun and devices", () => {
  it("refuses a GPU run when no live worker has that GPU, and queues it once one does", async () => {
    const researcher = await makeUser("researcher");
    const { project } = await makeProject();
    const run = (device: string) => createRun(researcher, { kind: "generate", projectId: project.id, modelSize: "tiny", config: { device } });
    const message = (p: Promise<unknown>) =>
      p.then(
        () => "queued",
        (e: Error) => e.message,
      );
    expect(await message(run("cuda"))).toBe(
      "No registered worker has the GPU this run asks for: start a worker on a machine with an NVIDIA GPU (after `npm run gpu:setup`), or choose the device cpu.",
    );
    // a worker whose heartbeat went stale does not count
    const stale = identity("stale");
    await registerWorker(stale, ["cpu", "cuda:0"], "cpu");
    await db.worker.update({ where: { id: stale.id }, data: { heartbeatAt: new Date(Date.now() - 3_600_000) } });
    expect(await message(run("cuda"))).toMatch(/^No registered worker has the GPU/);
    await registerWorker(identity("gpu"), ["cpu", "cuda:0"], "cpu");
    expect(await message(run("cuda"))).toBe("queued");
    expect(await message(run("cuda:0"))).toBe("queued");
    expect(await message(run("cuda:3"))).toBe(
      "No registered worker has the GPU cuda:3 this run asks for: start a worker on a machine with an NVIDIA GPU (after `npm run gpu:setup`), or choose the device cpu.",
    );
    expect(await message(run("cpu"))).toBe("queued");
    expect(await message(run("tpu"))).toMatch(/device must be "cpu", "cuda" \(any GPU\) or "cuda:N"/);
  });
});
