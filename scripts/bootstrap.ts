// npm start's first writes to the database, run by scripts/start.ts after the migrations in a process
// of its own that then exits: the first admin, the demo project, and the training runs whose worker
// died while the app was down. Apart because Prisma's query compiler (WebAssembly) adds 85-100 MB to a
// process at its first query and keeps them, and npm start's own process lives as long as the app
// (it hosts the embedded database). Prints its news as "[rlhf-studio] …" lines and, last, one JSON
// line for start.ts: the first admin's sign-in ({ created, email, generatedPassword? }).
// Environment: DATABASE_URL, ADMIN_EMAIL, ADMIN_PASSWORD, SEED_DEMO, RUN_STALE_MS.
import { ensureAdmin, seedDemo } from "../lib/bootstrap";
import { envVar } from "../lib/env";

const say = (msg: string) => console.log(`[rlhf-studio] ${msg}`);
const { db } = await import("../lib/db");
const admin = await ensureAdmin(db, { email: envVar("ADMIN_EMAIL"), password: envVar("ADMIN_PASSWORD") });
if (envVar("SEED_DEMO") !== "0" && (await seedDemo(db))) say("seeded the demo project");
// Training runs whose worker died while the app was down: failed with the reason, or queued again to resume.
const { reapStaleRuns } = await import("../lib/worker/queue");
const reaped = await reapStaleRuns(envVar("RUN_STALE_MS"));
if (reaped.failed.length + reaped.requeued.length + reaped.canceled.length)
  say(
    `training runs whose worker stopped: ${reaped.failed.length} marked failed, ${reaped.requeued.length} queued again to resume, ${reaped.canceled.length} canceled as asked`,
  );
await db.$disconnect(); // and the pool the queue's statements ran on
console.log(JSON.stringify(admin));
