// Cancel and resume. Cancelling a queued run ends it at once; a running one gets cancelRequested,
// which its worker reads with the next heartbeat (within seconds) and aborts the trainer, which
// writes its last checkpoint. Resuming queues a failed or cancelled run again, to continue from
// that checkpoint.
import "server-only";
import { audit } from "../audit";
import type { SessionUser } from "../auth/authenticate";
import { can } from "../auth/permissions";
import { db } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { isId } from "../validation/id";

async function existing(id: string) {
  const r = isId(id) ? await db.trainingRun.findUnique({ where: { id }, select: { id: true, status: true } }) : null;
  if (!r) throw notFound("The run");
  return r;
}

export async function cancelRun(user: SessionUser, id: string): Promise<{ status: string }> {
  if (!can(user, "runs.create")) throw forbidden("Only researchers and admins can cancel runs.");
  await existing(id);
  const now = new Date();
  const queued = await db.trainingRun.updateMany({
    where: { id, status: "queued" },
    data: { status: "canceled", finishedAt: now, secrets: null, etaSec: null },
  });
  let status = "canceled";
  if (queued.count === 0) {
    const running = await db.trainingRun.updateMany({ where: { id, status: "running" }, data: { cancelRequested: true } });
    if (running.count === 0) throw new AppError("conflict", "The run has already finished, so there is nothing to cancel.");
    status = "running";
  }
  await audit(db, user.id, "run.cancel", { type: "run", id });
  return { status };
}

export async function resumeRun(user: SessionUser, id: string): Promise<{ status: string }> {
  if (!can(user, "runs.create")) throw forbidden("Only researchers and admins can resume runs.");
  const r = await existing(id);
  const done = await db.trainingRun.updateMany({
    where: { id, status: { in: ["failed", "canceled"] } },
    data: {
      status: "queued",
      resume: true,
      attempt: 0,
      cancelRequested: false,
      error: null,
      finishedAt: null,
      workerId: null,
      heartbeatAt: null,
      etaSec: null,
    },
  });
  if (done.count === 0)
    throw new AppError(
      "conflict",
      r.status === "succeeded" ? "The run has already succeeded; start a new run to train further." : "The run is still queued or running.",
    );
  await audit(db, user.id, "run.resume", { type: "run", id });
  return { status: "queued" };
}
