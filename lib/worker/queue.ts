// The job queue is the TrainingRun table. A worker claims the oldest queued run with
// FOR UPDATE SKIP LOCKED (two workers never get the same run), keeps it with heartbeats (database
// time, so clocks on several machines need not agree), and ends it. A run whose heartbeat is older
// than the timeout belonged to a worker that died: any live worker (and the web server's start-up)
// marks it failed with the reason, or queues it again to resume from its last checkpoint when the
// run asked for that (or canceled, when a cancel had been asked). A claim keeps `cancelRequested`
// (only resumeRun clears it), so a cancel asked while a run goes back to the queue is not lost: the
// next worker reads it with its first heartbeat.
//
// Plain SQL on the pool, not the ORM: a worker at rest only polls this table, and Prisma's query
// compiler (WebAssembly) adds 85-100 MB to a process at its first query, for nothing here.
import "server-only";
import { sqlPool } from "../db";
import { envVar } from "../env";

/** Rows of one statement, its parameters numbered $1, $2, … in `values` order. */
async function rows<R>(text: string, values: unknown[] = []): Promise<R[]> {
  return (await sqlPool().query(text, values)).rows as R[];
}

/** How many rows one statement changed. */
async function changed(text: string, values: unknown[] = []): Promise<number> {
  return (await sqlPool().query(text, values)).rowCount ?? 0;
}

export type WorkerIdentity = { id: string; host: string; pid: number };

export type ClaimedRun = {
  id: string;
  kind: "pretrain" | "sft" | "reward_model" | "ppo" | "dpo" | "best_of_n" | "generate";
  config: Record<string, unknown>;
  projectId: string | null;
  exportId: string | null;
  baseId: string | null;
  createdById: string;
  secrets: string | null;
  resume: boolean;
  attempt: number;
  logTail: string;
  name: string;
};

/** A run that died this many times is failed even when it asked to be resumed. */
export const MAX_ATTEMPTS = 3;

/**
 * The run `device` values a worker with these devices may take: "cpu" always (and runs naming no
 * device); with a GPU also "cuda" and each "cuda:N" it has.
 */
export function acceptedDevices(devices: readonly string[]): string[] {
  const gpus = devices.filter((d) => d.startsWith("cuda:"));
  return ["cpu", ...(gpus.length ? ["cuda", ...gpus] : [])];
}

/**
 * Claims the oldest queued run this worker can run (of `projectId` only, when given: a worker
 * dedicated to one project). A run asking for a device the worker lacks stays queued for another.
 */
export async function claimRun(w: WorkerIdentity, projectId: string | null = null, devices: readonly string[] = ["cpu"]): Promise<ClaimedRun | null> {
  const accepted = acceptedDevices(devices);
  const claimed = await rows<ClaimedRun>(
    `UPDATE "TrainingRun" SET
      status = 'running', "workerId" = $1, "workerHost" = $2, "workerPid" = $3::int,
      "heartbeatAt" = now(), "startedAt" = COALESCE("startedAt", now()), attempt = attempt + 1,
      error = NULL, "finishedAt" = NULL
    WHERE status = 'queued' AND id = (
      SELECT id FROM "TrainingRun"
      WHERE status = 'queued' AND ($4::uuid IS NULL OR "projectId" = $4::uuid)
        AND COALESCE(config->>'device', 'cpu') = ANY($5::text[])
      ORDER BY "createdAt", id FOR UPDATE SKIP LOCKED LIMIT 1
    )
    RETURNING id, kind::text AS kind, config, "projectId", "exportId", "baseId", "createdById", secrets, resume, attempt, "logTail", name`,
    [w.id, w.host, w.pid, projectId, accepted],
  );
  return claimed[0] ?? null;
}

export type Beat = { progress: number; etaSec: number | null; logTail?: string };

/** Records the heartbeat; returns whether a cancel was asked, or null when the run is no longer this worker's. */
export async function heartbeat(runId: string, workerId: string, beat: Beat): Promise<{ cancelRequested: boolean } | null> {
  const eta = beat.etaSec !== null && Number.isFinite(beat.etaSec) ? beat.etaSec : null;
  // COALESCE keeps the log tail when the beat brings none
  const beaten = await rows<{ cancelRequested: boolean }>(
    `UPDATE "TrainingRun" SET "heartbeatAt" = now(), progress = $1, "etaSec" = $2, "logTail" = COALESCE($3, "logTail")
      WHERE id = $4::uuid AND "workerId" = $5 AND status = 'running' RETURNING "cancelRequested"`,
    [beat.progress, eta, beat.logTail ?? null, runId, workerId],
  );
  return beaten[0] ?? null;
}

export type Ending =
  | { status: "succeeded" }
  | { status: "failed"; error: string }
  | { status: "canceled" }
  /** Back in the queue (the worker is shutting down): the next worker resumes from the checkpoint. */
  | { status: "queued" };

/** Ends the run if it is still this worker's; returns false when it was not (reaped meanwhile). */
export async function finishRun(runId: string, workerId: string, end: Ending, final: { progress?: number; logTail: string }): Promise<boolean> {
  const requeue = end.status === "queued";
  const n = await changed(
    `UPDATE "TrainingRun" SET status = $1::"RunStatus", error = $2, "logTail" = $3, progress = COALESCE($4, progress),
      ${
        requeue
          ? `"workerId" = NULL, "heartbeatAt" = NULL, attempt = attempt - 1`
          : `"finishedAt" = now(), secrets = NULL, "etaSec" = CASE WHEN $1 = 'succeeded' THEN 0 END`
      }
      WHERE id = $5::uuid AND "workerId" = $6 AND status = 'running'`,
    [end.status, end.status === "failed" ? end.error : null, final.logTail, final.progress ?? null, runId, workerId],
  );
  return n === 1;
}

/**
 * Runs whose worker stopped sending heartbeats `staleMs` ago: canceled when a cancel had been asked
 * (the dead worker never read it), else failed with the reason, or queued again when they asked to
 * resume (and have not died MAX_ATTEMPTS times). Returns the ids.
 */
export async function reapStaleRuns(staleMs: number): Promise<{ failed: string[]; requeued: string[]; canceled: string[] }> {
  const secs = staleMs / 1000;
  const reaped = await rows<{ id: string; status: string }>(
    `WITH stale AS (
      SELECT id, "cancelRequested" AS cancel, NOT "cancelRequested" AND resume AND attempt < $1::int AS requeue
      FROM "TrainingRun"
      WHERE status = 'running' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < now() - make_interval(secs => $2::float8))
      FOR UPDATE
    )
    UPDATE "TrainingRun" r SET
      status = CASE WHEN s.cancel THEN 'canceled'::"RunStatus" WHEN s.requeue THEN 'queued'::"RunStatus" ELSE 'failed'::"RunStatus" END,
      error = CASE WHEN s.cancel OR s.requeue THEN NULL
              ELSE 'The worker ' || COALESCE(r."workerHost" || ' pid ' || r."workerPid", r."workerId", '') || ' stopped sending heartbeats for '
                   || $3::int || ' s (it died or lost the database), so the run was stopped'
                   || CASE WHEN r.resume THEN ' after ' || r.attempt || ' attempts.' ELSE '.' END END,
      "logTail" = r."logTail" || to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS') || ' worker ' || COALESCE(r."workerHost" || ':' || r."workerPid", '?')
                  || ' lost (no heartbeat for ' || $3::int || ' s)'
                  || CASE WHEN s.cancel THEN '; canceled, as asked' WHEN s.requeue THEN '; queued again to resume from the last checkpoint' ELSE '' END || E'\n',
      "finishedAt" = CASE WHEN s.requeue THEN NULL ELSE now() END,
      secrets = CASE WHEN s.requeue THEN r.secrets ELSE NULL END,
      "workerId" = CASE WHEN s.requeue THEN NULL ELSE r."workerId" END,
      "etaSec" = NULL
    FROM stale s
    WHERE r.id = s.id
    RETURNING r.id, r.status::text AS status`,
    [MAX_ATTEMPTS, secs, Math.round(secs)],
  );
  const of = (status: string) => reaped.filter((r) => r.status === status).map((r) => r.id);
  return { failed: of("failed"), requeued: of("queued"), canceled: of("canceled") };
}

export type WorkerInfo = { id: string; host: string; pid: number; devices: string[]; defaultDevice: string; startedAt: Date; heartbeatAt: Date };

/** Registers (or re-registers) a worker and what it can run on. */
export async function registerWorker(w: WorkerIdentity, devices: readonly string[], defaultDevice: string): Promise<void> {
  await changed(
    `INSERT INTO "Worker" (id, host, pid, devices, "defaultDevice") VALUES ($1, $2, $3::int, $4::text[], $5)
      ON CONFLICT (id) DO UPDATE SET devices = EXCLUDED.devices, "defaultDevice" = EXCLUDED."defaultDevice", "heartbeatAt" = now()`,
    [w.id, w.host, w.pid, [...devices], defaultDevice],
  );
}

/** The worker's own heartbeat (database time); re-registers it when a clean-up removed the row meanwhile. */
export async function workerHeartbeat(w: WorkerIdentity, devices: readonly string[], defaultDevice: string): Promise<void> {
  const n = await changed(`UPDATE "Worker" SET "heartbeatAt" = now() WHERE id = $1`, [w.id]);
  if (n === 0) await registerWorker(w, devices, defaultDevice);
}

export async function unregisterWorker(id: string): Promise<void> {
  await changed(`DELETE FROM "Worker" WHERE id = $1`, [id]);
}

/** Workers whose heartbeat is younger than `staleMs` (default RUN_STALE_MS or 60 s), newest first; older rows are deleted. */
export async function liveWorkers(staleMs = envVar("RUN_STALE_MS")): Promise<WorkerInfo[]> {
  const secs = staleMs / 1000;
  await changed(`DELETE FROM "Worker" WHERE "heartbeatAt" < now() - make_interval(secs => $1::float8)`, [secs * 10]);
  return rows<WorkerInfo>(
    `SELECT id, host, pid, devices, "defaultDevice", "startedAt", "heartbeatAt" FROM "Worker"
      WHERE "heartbeatAt" >= now() - make_interval(secs => $1::float8) ORDER BY "startedAt" DESC, id`,
    [secs],
  );
}

/** Whether some live worker can take a run asking for `device` ("cuda" or "cuda:N"; "cpu" always can be queued). */
export function someWorkerCan(workers: readonly Pick<WorkerInfo, "devices">[], device: string): boolean {
  if (!device.startsWith("cuda")) return true;
  return workers.some((w) => acceptedDevices(w.devices).includes(device));
}
