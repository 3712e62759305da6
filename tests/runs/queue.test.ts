// The job queue on the real database: claims with SKIP LOCKED never hand one run to two workers,
// heartbeats read cancel requests, stale runs are reaped (failed with the reason, or queued again
// to resume), cancel/resume move runs between states, metrics are read incrementally, and secrets
// are encrypted at rest and never read by default.
import { describe, expect, it } from "vitest";
import { db, sqlPool } from "../../lib/db";
import { cancelRun, resumeRun } from "../../lib/runs/control";
import { getRun, getRunMetrics, listRuns } from "../../lib/runs/queries";
import { decryptSecrets, encryptSecrets } from "../../lib/runs/secrets";
import { RunSinks } from "../../lib/worker/context";
import { MAX_ATTEMPTS, claimRun, finishRun, heartbeat, reapStaleRuns } from "../../lib/worker/queue";
import { oneSentence, startWorker } from "../../lib/worker/worker";
import { makeProject, makeUser, uniq } from "../helpers/factories";

async function queueRuns(projectId: string, userId: string, n: number, extra: { resume?: boolean } = {}) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await db.trainingRun.create({ data: { kind: "sft", name: `q${i}`, config: {}, projectId, createdById: userId, ...extra }, select: { id: true } });
    ids.push(r.id);
  }
  return ids;
}

const worker = (n: number | string) => ({ id: `test:${n}:${uniq()}`, host: "test-host", pid: 1000 + Number(n) || 1 });

describe("claiming runs", () => {
  it("hands each queued run to exactly one of many concurrent workers, oldest first", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const ids = await queueRuns(project.id, admin.id, 12);
    const workers = Array.from({ length: 6 }, (_, i) => worker(i));
    // connections open first: a claim takes about a millisecond on the pool, so one worker with an idle
    // connection could take all twelve while the others were still connecting, and none would race
    await Promise.all(workers.map(() => sqlPool().query("SELECT 1")));
    const claimed: string[] = [];
    await Promise.all(
      workers.map(async (w) => {
        for (;;) {
          const r = await claimRun(w, project.id);
          if (!r) return;
          claimed.push(r.id);
        }
      }),
    );
    expect(claimed.sort()).toEqual([...ids].sort());
    expect(new Set(claimed).size).toBe(12);
    const rows = await db.trainingRun.findMany({ where: { id: { in: ids } }, select: { status: true, workerId: true, attempt: true, workerHost: true } });
    expect(rows.every((r) => r.status === "running" && r.attempt === 1 && r.workerHost === "test-host")).toBe(true);
    expect(new Set(rows.map((r) => r.workerId)).size).toBeGreaterThan(1);
  });

  it("takes the oldest queued run first and only runs of its project when it has one", async () => {
    const { project } = await makeProject();
    const { project: other } = await makeProject();
    const admin = await makeUser("admin");
    const [first, second] = await queueRuns(project.id, admin.id, 2);
    await queueRuns(other.id, admin.id, 1);
    const w = worker(1);
    expect((await claimRun(w, project.id))?.id).toBe(first);
    expect((await claimRun(w, project.id))?.id).toBe(second);
    expect(await claimRun(w, project.id)).toBeNull();
  });
});

describe("heartbeats, cancel and the reaper", () => {
  it("a heartbeat reports a cancel request, and a run taken from its worker answers null", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [id] = await queueRuns(project.id, admin.id, 1);
    const w = worker(2);
    await claimRun(w, project.id);
    expect(await heartbeat(id, w.id, { progress: 0.25, etaSec: 12, logTail: "hello\n" })).toEqual({ cancelRequested: false });
    expect(await cancelRun(admin, id)).toEqual({ status: "running" });
    expect(await heartbeat(id, w.id, { progress: 0.3, etaSec: null })).toEqual({ cancelRequested: true });
    expect(await heartbeat(id, "someone-else", { progress: 0.3, etaSec: null })).toBeNull();
    const r = await getRun(id);
    expect(r).toMatchObject({ progress: 0.3, logTail: "hello\n", cancelRequested: true, worker: { id: w.id, host: "test-host" } });
    expect(await finishRun(id, w.id, { status: "canceled" }, { logTail: "bye\n" })).toBe(true);
    expect((await getRun(id)).status).toBe("canceled");
  });

  it("cancelling a queued run ends it at once; a finished run cannot be cancelled", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [id] = await queueRuns(project.id, admin.id, 1);
    expect(await cancelRun(admin, id)).toEqual({ status: "canceled" });
    expect(await claimRun(worker(3), project.id)).toBeNull();
    await expect(cancelRun(admin, id)).rejects.toThrow(/already finished/);
  });

  it("fails a run whose worker stopped sending heartbeats, naming the worker, and never leaves it running", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [id] = await queueRuns(project.id, admin.id, 1);
    const w = worker(4);
    await claimRun(w, project.id);
    await db.trainingRun.update({ where: { id }, data: { heartbeatAt: new Date(Date.now() - 10_000) } });
    expect((await reapStaleRuns(60_000)).failed).not.toContain(id); // not stale yet at a 60 s timeout
    const reaped = await reapStaleRuns(5_000);
    expect(reaped.failed).toContain(id);
    const r = await getRun(id);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/^The worker test-host pid \d+ stopped sending heartbeats for 5 s .*\.$/);
    expect(r.finishedAt).not.toBeNull();
    // The dead worker's late result is refused.
    expect(await finishRun(id, w.id, { status: "succeeded" }, { logTail: "" })).toBe(false);
    expect((await getRun(id)).status).toBe("failed");
  });

  it("queues a stale run again when it asked to resume, until it has died MAX_ATTEMPTS times", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [id] = await queueRuns(project.id, admin.id, 1, { resume: true });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const claimed = await claimRun(worker(attempt), project.id);
      expect(claimed).toMatchObject({ id, attempt });
      await db.trainingRun.update({ where: { id }, data: { heartbeatAt: new Date(Date.now() - 10_000) } });
      const reaped = await reapStaleRuns(5_000);
      if (attempt < MAX_ATTEMPTS) expect(reaped.requeued).toContain(id);
      else expect(reaped.failed).toContain(id);
    }
    const r = await getRun(id);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(new RegExp(`after ${MAX_ATTEMPTS} attempts\\.$`));
    expect(r.logTail.match(/queued again to resume/g)).toHaveLength(MAX_ATTEMPTS - 1);

    // Resume by hand: queued again, from attempt 1.
    expect(await resumeRun(admin, id)).toEqual({ status: "queued" });
    expect(await claimRun(worker(9), project.id)).toMatchObject({ id, attempt: 1, resume: true });
    await expect(resumeRun(admin, id)).rejects.toThrow(/still queued or running/);
  });

  it("keeps a cancel asked of a resumable run whose worker died: the reaper ends it canceled, not queued again", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [id] = await queueRuns(project.id, admin.id, 1, { resume: true });
    await claimRun(worker(1), project.id);
    expect(await cancelRun(admin, id)).toEqual({ status: "running" }); // asked; the worker would read it with its next heartbeat...
    await db.trainingRun.update({ where: { id }, data: { heartbeatAt: new Date(Date.now() - 10_000) } }); // ...but it died first
    const reaped = await reapStaleRuns(5_000);
    expect(reaped.requeued).not.toContain(id);
    expect(await claimRun(worker(2), project.id)).toBeNull();
    const r = await db.trainingRun.findUniqueOrThrow({ where: { id } });
    expect(r).toMatchObject({ status: "canceled", cancelRequested: true });
    expect(r.finishedAt).not.toBeNull();
  });

  it("keeps a cancel that arrives as the worker hands the run back to the queue (shutdown): the next claim cancels it", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [id] = await queueRuns(project.id, admin.id, 1, { resume: true });
    const w = worker(1);
    await claimRun(w, project.id);
    await cancelRun(admin, id);
    expect(await finishRun(id, w.id, { status: "queued" }, { logTail: "" })).toBe(true); // the worker stops, hands it back
    const next = worker(2);
    const claimed = await claimRun(next, project.id);
    // Either never handed out again, or handed out with the cancel still asked (the first heartbeat then stops it).
    if (claimed) expect(await heartbeat(id, next.id, { progress: 0, etaSec: null })).toEqual({ cancelRequested: true });
    else expect((await getRun(id)).status).toBe("canceled");
  });
});

describe("metrics, log tail and secrets", () => {
  it("reads metrics after a given id only, in insertion order", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [id] = await queueRuns(project.id, admin.id, 1);
    const sinks = new RunSinks(id, "");
    sinks.metric(1, { loss: 2.5, lr: 0.001, bad: Number.NaN });
    sinks.metric(2, { loss: 2.25 });
    await sinks.flushMetrics();
    const all = await getRunMetrics(id);
    expect(all.map((m) => [m.step, m.name, m.value])).toEqual([
      [1, "loss", 2.5],
      [1, "lr", 0.001],
      [2, "loss", 2.25],
    ]);
    expect(await getRunMetrics(id, { afterId: all[1].id })).toEqual([all[2]]);
    expect(await getRunMetrics(id, { afterId: all[2].id })).toEqual([]);
    await expect(getRunMetrics("00000000-0000-0000-0000-000000000000")).rejects.toThrow(/not found/);
  });

  it("keeps only the last 200 log lines", () => {
    const sinks = new RunSinks("x", "old line\n");
    for (let i = 0; i < 250; i++) sinks.log(`line ${i}`);
    const lines = sinks.logTail().trimEnd().split("\n");
    expect(lines).toHaveLength(200);
    expect(lines.at(-1)).toMatch(/line 249$/);
    expect(lines[0]).toMatch(/line 50$/);
  });

  it("stores secrets encrypted, omits them from every default query, and lists runs without them", async () => {
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const stored = encryptSecrets({ apiKey: "sk-very-secret" });
    expect(stored).not.toContain("sk-very-secret");
    expect(decryptSecrets(stored)).toEqual({ apiKey: "sk-very-secret" });
    expect(() => decryptSecrets(stored.replace(/.$/, (c) => (c === "A" ? "B" : "A")))).toThrow(/cannot be decrypted/);
    const r = await db.trainingRun.create({ data: { kind: "generate", config: {}, projectId: project.id, createdById: admin.id, secrets: stored } });
    expect("secrets" in r).toBe(false);
    expect(JSON.stringify(await getRun(r.id))).not.toContain(stored);
    expect(JSON.stringify(await listRuns({ limit: 500 }))).not.toContain(stored);
    const w = worker(7);
    const claimed = await claimRun(w, project.id);
    expect(claimed?.secrets).toBe(stored);
    expect(await finishRun(r.id, w.id, { status: "succeeded" }, { logTail: "" })).toBe(true);
    const after = await db.trainingRun.findUniqueOrThrow({ where: { id: r.id }, select: { secrets: true, status: true } });
    expect(after).toEqual({ secrets: null, status: "succeeded" }); // cleared when the run ends
  });
});

describe("the worker loop", () => {
  it("turns a handler's error into the run's one-sentence failure reason", async () => {
    expect(oneSentence(new Error("training config: seqLen 999 exceeds the model's context\n    at trainLM (x.ts:1)"))).toBe(
      "Training config: seqLen 999 exceeds the model's context.",
    );
    const { project } = await makeProject();
    const admin = await makeUser("admin");
    const [id] = await queueRuns(project.id, admin.id, 1);
    const logs: string[] = [];
    const w = startWorker({
      projectId: project.id,
      heartbeatMs: 100,
      pollMs: 100,
      log: (m) => logs.push(m),
      handlers: {
        sft: async (ctx) => {
          ctx.log("about to fail");
          ctx.metrics(1, { loss: 1.5 });
          throw new Error("The dataset has no training rows");
        },
      },
    });
    try {
      for (let i = 0; i < 100 && (await getRun(id)).status !== "failed"; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await w.stop();
    }
    const r = await getRun(id);
    expect(r).toMatchObject({ status: "failed", error: "The dataset has no training rows." });
    expect(r.logTail).toMatch(/about to fail\n.*failed: The dataset has no training rows\.\n$/);
    expect(await getRunMetrics(id)).toMatchObject([{ step: 1, name: "loss", value: 1.5 }]);
  });
});
