// Helpers for the runs tests: a project seeded with the demo data and labelled through the real
// queue and submit functions, a real worker child process (scripts/worker.ts), and polling.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import type { SessionUser } from "../../lib/auth/authenticate";
import { db, sqlPool } from "../../lib/db";
import { DEMO_ANSWER_SETS, DEMO_DEMONSTRATION_PROMPTS } from "../../lib/demo/data";
import { nextTask } from "../../lib/labeling/queue";
import { submitDemonstration, submitRanking } from "../../lib/labeling/submit";
import { addPrompt, addRankingTask } from "../../lib/labeling/tasks";
import { uniq } from "../helpers/factories";
import { seedProjectMembers } from "../../lib/membership/members";
import { appScript } from "../helpers/app-scripts";

const root = path.resolve(import.meta.dirname, "../..");

/** A project with the demo prompts (a demonstration wanted for each) and the demo answer sets. */
export async function demoProject() {
  return db.$transaction(
    async (tx) => {
      const slug = uniq("runs");
      const project = await tx.project.create({ data: { slug, name: slug, answersPerTask: 4, rankingsPerTask: 1, demonstrationsPerPrompt: 1 } });
      await seedProjectMembers(tx, project.id, null, "everyone"); // as a new project takes everyone by default
      for (const text of DEMO_DEMONSTRATION_PROMPTS) await addPrompt(tx, project, { messages: [{ role: "user", content: text }], format: "text" });
      for (const set of DEMO_ANSWER_SETS) {
        const p = await addPrompt(tx, { ...project, demonstrationsPerPrompt: 0 }, { messages: [{ role: "user", content: set.prompt }], format: "text" });
        await addRankingTask(
          tx,
          project,
          p.id,
          set.responses.map((text) => ({ text, source: "import" as const })),
        );
      }
      return project;
    },
    { timeout: 60_000 },
  );
}

/** Writes a demonstration for every demonstration task the labeler is given. */
export async function writeDemonstrations(projectId: string, user: SessionUser): Promise<number> {
  let n = 0;
  for (;;) {
    const t = await nextTask(sqlPool(), user, { projectId, kind: "demonstration" });
    if (!t) return n;
    const text = `A short, helpful answer number ${++n}: be clear, be kind and check the facts.`;
    await submitDemonstration(sqlPool(), user, { clientId: crypto.randomUUID(), taskId: t.taskId, text, timeSpentMs: 1000 });
  }
}

/** Ranks every ranking task the labeler is given, best answer first ("A > B > C > D" by display letter). */
export async function rankAll(projectId: string, user: SessionUser): Promise<number> {
  let n = 0;
  for (;;) {
    const t = await nextTask(sqlPool(), user, { projectId, kind: "ranking" });
    if (!t) return n;
    await submitRanking(sqlPool(), user, { clientId: crypto.randomUUID(), taskId: t.taskId, tiers: "A > B > C = D", answers: [], timeSpentMs: 1000 } as never);
    n++;
  }
}

export type SpawnedWorker = { child: ChildProcess; output: () => string; stop: () => Promise<void> };

/** A real worker process (npm run worker), with short heartbeats, on the test database. */
export function spawnWorker(env: Record<string, string>): SpawnedWorker {
  let out = "";
  // the bundle npm start runs, in this very process (not through a launcher): SIGKILL hits the worker itself
  const child = spawn(process.execPath, appScript("scripts/worker.ts"), {
    cwd: root,
    env: { ...process.env, RUN_HEARTBEAT_MS: "250", RUN_STALE_MS: "6000", WORKER_POLL_MS: "200", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 120_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
