// A training worker killed (SIGKILL) in the middle of writing a checkpoint, at its worst moment:
// the previous checkpoint moved aside and the new one not yet moved in (RLHF_FAILPOINT stops the
// save there; see ml/checkpoint/checkpoint.ts). A second worker must take the run over and resume
// it from the last complete checkpoint. Imports lib/ lazily: set DATABASE_URL and STORAGE_DIR first.
import fs from "node:fs";
import path from "node:path";

export type WorkerFaultResult = {
  /** The step of the last checkpoint completed before the kill. */
  lastComplete: number;
  /** The step the second attempt resumed from (null: it started over). */
  resumedFrom: number | null;
  status: string;
  attempt: number;
  /** The last training step recorded (the run's configured steps when it finished). */
  finalStep: number | null;
  steps: number;
  /** Seconds from the kill to another worker claiming the run again (includes the heartbeat timeout). */
  recovery_s: number;
  /** Save folders left beside the checkpoint after the run (should be none). */
  leftovers: string[];
  error: string | null;
  logTail: string;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function killWorkerMidCheckpoint(opts: { storage: string; steps?: number; saveEvery?: number; staleMs?: number }): Promise<WorkerFaultResult> {
  const { makeUser } = await import("./factories");
  const { demoProject, spawnWorker, waitFor } = await import("../runs/helpers");
  const { createRun } = await import("../../lib/runs/create");
  const { getRun, getRunMetrics } = await import("../../lib/runs/queries");
  const steps = opts.steps ?? 150;
  const saveEvery = opts.saveEvery ?? 25;
  const staleMs = opts.staleMs ?? 3000;

  const researcher = await makeUser("researcher");
  const project = await demoProject();
  const run = await createRun(researcher, {
    kind: "pretrain",
    name: "killed mid-checkpoint",
    projectId: project.id,
    modelSize: "tiny",
    resume: true,
    config: { steps, batchSize: 2, seqLen: 64, evalEvery: 0, saveEvery },
  });
  const env = { STORAGE_DIR: opts.storage, WORKER_PROJECT_ID: project.id, RUN_STALE_MS: String(staleMs) };
  // The second save stops between its two renames: the first (step saveEvery) is the last complete one.
  const victim = spawnWorker({ ...env, RLHF_FAILPOINT: "checkpoint-swap:2" });
  const runDir = path.join(opts.storage, "runs", run.id);
  const entries = () => (fs.existsSync(runDir) ? fs.readdirSync(runDir) : []);
  const aside = await waitFor(
    "the worker to stop between moving the old checkpoint aside and moving the new one in",
    async () => {
      if (victim.child.exitCode !== null) throw new Error(`the worker exited early:\n${victim.output()}`);
      const e = entries();
      const old = e.find((n) => n.startsWith("model.old-"));
      return old && !e.includes("model") && e.some((n) => n.startsWith("model.tmp-")) ? old : undefined;
    },
    120_000,
    20,
  );
  const lastComplete = (JSON.parse(fs.readFileSync(path.join(runDir, aside, "trainer_state.json"), "utf8")) as { step: number }).step;
  victim.child.kill("SIGKILL");
  const killedAt = performance.now();
  await new Promise((r) => victim.child.once("exit", r));

  const rescuer = spawnWorker(env);
  try {
    await waitFor(
      "another worker to take the run over",
      async () => {
        const r = await getRun(run.id);
        return r.attempt >= 2 && r.status !== "queued" ? r : undefined;
      },
      120_000,
      50,
    );
    const recovery = (performance.now() - killedAt) / 1000;
    const done = await waitFor(
      "the run to finish",
      async () => {
        const r = await getRun(run.id);
        return ["succeeded", "failed", "canceled"].includes(r.status) ? r : undefined;
      },
      300_000,
    );
    await sleep(100);
    const lossSteps = (await getRunMetrics(run.id)).filter((m) => m.name === "loss").map((m) => m.step);
    // The first attempt started in an empty folder: a resume line can only come from the second.
    const from = /resuming from the checkpoint at step (\d+)/.exec(done.logTail);
    return {
      lastComplete,
      resumedFrom: from ? Number(from[1]) : null,
      status: done.status,
      attempt: done.attempt,
      finalStep: lossSteps.length ? Math.max(...lossSteps) : null,
      steps,
      recovery_s: Math.round(recovery * 10) / 10,
      leftovers: entries().filter((n) => n.startsWith("model.")),
      error: done.error,
      logTail: done.logTail,
    };
  } finally {
    await rescuer.stop();
  }
}
