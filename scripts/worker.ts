// npm run worker: a training worker process. It takes runs from the queue in the database named
// by DATABASE_URL (the TrainingRun table), one at a time, and trains them here. Start as many as you
// like, on this machine or others pointed at the same database; STORAGE_DIR must then be storage
// they all share. `npm start` starts one beside the web server (WORKERS=n for more, 0 for none).
//
// Environment: DATABASE_URL (required), NEXTAUTH_SECRET (to decrypt run secrets; the same as the
// web server's), STORAGE_DIR, RUN_HEARTBEAT_MS (2000), RUN_STALE_MS (60000), WORKER_POLL_MS (1000),
// ML_DEVICE (cpu; cuda or cuda:N: the device of runs that name none, checked at start).
import { startWorker } from "../lib/worker/worker";
import { checkEnv, envVar } from "../lib/env";

try {
  checkEnv("worker");
  if (!envVar("DATABASE_URL")) throw new Error("DATABASE_URL is not set: point it at the app's PostgreSQL database.");
} catch (e) {
  console.error(`[worker] ${(e as Error).message}`);
  process.exit(1);
}

let worker: ReturnType<typeof startWorker>;
try {
  worker = startWorker();
} catch (e) {
  console.error(`[worker] ${(e as Error).message}`); // e.g. an ML_DEVICE this machine cannot use
  process.exit(1);
}
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: stopping (a run in progress is checkpointed and queued again)`);
  void worker.stop().then(async () => {
    const { db } = await import("../lib/db");
    await db.$disconnect().catch(() => {});
    process.exit(0);
  });
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
await worker.done;
